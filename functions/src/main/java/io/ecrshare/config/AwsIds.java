package io.ecrshare.config;

import java.util.regex.Pattern;

/** The shapes of AWS identifiers this project validates, defined once. */
public final class AwsIds {

    /** A 12-digit AWS account ID (also an ECR registry ID). */
    public static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");
    /** An IAM role ARN in any partition, with an optional path. */
    public static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+");

    private AwsIds() {
    }

    public static boolean isAccountId(String value) {
        return value != null && ACCOUNT_ID.matcher(value).matches();
    }
}
