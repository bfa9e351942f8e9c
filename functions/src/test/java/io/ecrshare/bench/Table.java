package io.ecrshare.bench;

import java.util.ArrayList;
import java.util.List;

/** A Markdown table, printed as it is to the console and written as it is to docs/benchmarks.md. */
final class Table {

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    Table(String... header) {
        this.header = List.of(header);
    }

    Table row(Object... cells) {
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(String.valueOf(cell));
        }
        rows.add(row);
        return this;
    }

    String markdown() {
        int[] widths = new int[header.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = header.get(i).length();
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, header, widths);
        StringBuilder rule = new StringBuilder("|");
        for (int i = 0; i < widths.length; i++) {
            rule.append(i == 0 ? ":" + "-".repeat(widths[i] + 1) : "-".repeat(widths[i] + 1) + ":").append('|');
        }
        out.append(rule).append('\n');
        rows.forEach(row -> line(out, row, widths));
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        out.append('|');
        for (int i = 0; i < widths.length; i++) {
            String cell = cells.get(i);
            out.append(' ').append(i == 0 ? pad(cell, widths[i]) : padLeft(cell, widths[i])).append(" |");
        }
        out.append('\n');
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private static String padLeft(String s, int width) {
        return " ".repeat(Math.max(0, width - s.length())) + s;
    }

    static String ms(double value) {
        return String.format("%.0f", value);
    }

    static String ms1(double value) {
        return String.format("%.1f", value);
    }

    static String ratio(double value) {
        return String.format("%.2fx", value);
    }
}
