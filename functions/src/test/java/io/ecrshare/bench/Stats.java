package io.ecrshare.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Order statistics of a sample. */
record Stats(List<Double> values) {

    static Stats of(List<? extends Number> numbers) {
        List<Double> sorted = new ArrayList<>();
        numbers.forEach(n -> sorted.add(n.doubleValue()));
        Collections.sort(sorted);
        return new Stats(sorted);
    }

    double median() {
        int n = values.size();
        return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
    }

    /** Nearest-rank percentile. */
    double percentile(double p) {
        int rank = (int) Math.ceil(p / 100.0 * values.size());
        return values.get(Math.max(0, Math.min(values.size() - 1, rank - 1)));
    }

    double min() {
        return values.get(0);
    }

    double max() {
        return values.get(values.size() - 1);
    }
}
