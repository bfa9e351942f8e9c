package io.ecrshare.config;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What this deployment shares with whom (part of {@link FunctionConfig}), read from environment variables once
 * at cold start. {@link #fromEnvironment} either returns a fully valid configuration or throws one
 * {@link ConfigException} naming the bad value.
 *
 * @param replicationSourceRegions Regions whose repositories this Region's replicas come from (see
 *                                 {@link #REPLICATION_SOURCE_REGIONS}); never this Region itself
 */
public record ShareConfig(ShareTag tag, Consumers consumers, EnforcementMode mode, String ownerAccountId,
                          Set<String> ownRoleArns, String region, List<String> replicationSourceRegions) {

    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");

    public static final String SHARE_TAG_KEY = "SHARE_TAG_KEY";
    public static final String SHARE_TAG_VALUE = "SHARE_TAG_VALUE";
    public static final String CONSUMER_ACCOUNT_IDS = "CONSUMER_ACCOUNT_IDS";
    public static final String CONSUMER_PRINCIPAL_ARNS = "CONSUMER_PRINCIPAL_ARNS";
    public static final String CONSUMER_ORG_IDS = "CONSUMER_ORG_IDS";
    public static final String CONSUMER_ORG_PATHS = "CONSUMER_ORG_PATHS";
    public static final String ENFORCEMENT_MODE = "ENFORCEMENT_MODE";
    public static final String OWNER_ACCOUNT_ID = "OWNER_ACCOUNT_ID";
    /** Comma-separated execution role ARNs of this stack's functions: events they cause are our own writes. */
    public static final String OWN_ROLE_ARNS = "OWN_ROLE_ARNS";
    /**
     * Comma-separated Regions whose repositories this Region's replicas come from: a repository without the
     * sharing tag key is shared when its namesake there carries the sharing tag. This Region itself is ignored,
     * so one value serves every stack instance of a StackSet.
     */
    public static final String REPLICATION_SOURCE_REGIONS = "REPLICATION_SOURCE_REGIONS";

    public ShareConfig {
        ownRoleArns = Set.copyOf(ownRoleArns);
        replicationSourceRegions = List.copyOf(replicationSourceRegions);
    }

    /** A configuration without replication source Regions. */
    public ShareConfig(ShareTag tag, Consumers consumers, EnforcementMode mode, String ownerAccountId, Set<String> ownRoleArns,
                       String region) {
        this(tag, consumers, mode, ownerAccountId, ownRoleArns, region, List.of());
    }

    public static ShareConfig fromEnvironment(Map<String, String> env) {
        ShareTag tag = new ShareTag(env.getOrDefault(SHARE_TAG_KEY, "ecr-share"), env.getOrDefault(SHARE_TAG_VALUE, "true"));
        Consumers consumers = Consumers.parse(env.get(CONSUMER_ACCOUNT_IDS), env.get(CONSUMER_PRINCIPAL_ARNS),
                env.get(CONSUMER_ORG_IDS), env.get(CONSUMER_ORG_PATHS));
        EnforcementMode mode = EnforcementMode.parse(env.get(ENFORCEMENT_MODE));
        String owner = blankToNull(env.get(OWNER_ACCOUNT_ID));
        if (owner != null && !AwsIds.isAccountId(owner)) {
            throw new ConfigException("OWNER_ACCOUNT_ID must be a 12-digit AWS account ID, got: " + owner);
        }
        Set<String> ownRoles = new TreeSet<>();
        String rawRoles = env.get(OWN_ROLE_ARNS);
        if (rawRoles != null) {
            for (String part : rawRoles.split(",")) {
                String arn = part.trim();
                if (arn.isEmpty()) {
                    continue;
                }
                if (!AwsIds.ROLE_ARN.matcher(arn).matches()) {
                    throw new ConfigException("OWN_ROLE_ARNS contains an invalid value '" + arn + "': expected an IAM role ARN");
                }
                ownRoles.add(arn);
            }
        }
        String region = blankToNull(env.getOrDefault("AWS_REGION", env.get("AWS_DEFAULT_REGION")));
        if (region != null && !REGION.matcher(region).matches()) {
            throw new ConfigException("AWS_REGION must be a Region name such as eu-west-1, got: " + region);
        }
        return new ShareConfig(tag, consumers, mode, owner, Set.copyOf(ownRoles), region,
                sourceRegions(env.get(REPLICATION_SOURCE_REGIONS), region));
    }

    /**
     * Why a repository named by an event is not this deployment's to act on (another account or Region), or
     * null when it is. Without a known owner account and Region nothing is ours (fail closed).
     */
    public String notOurRepositoryReason(String registryId, String repositoryRegion) {
        if (ownerAccountId == null || region == null) {
            return "OWNER_ACCOUNT_ID and AWS_REGION must be set to act on events";
        }
        if (!ownerAccountId.equals(registryId)) {
            return "repository of account " + registryId + ", not of this account " + ownerAccountId;
        }
        if (!region.equals(repositoryRegion)) {
            return "repository in Region " + repositoryRegion + ", not in this Region " + region;
        }
        return null;
    }

    private static List<String> sourceRegions(String raw, String ownRegion) {
        Set<String> regions = new TreeSet<>();
        if (raw != null) {
            for (String part : raw.split(",")) {
                String region = part.trim();
                if (region.isEmpty()) {
                    continue;
                }
                if (!REGION.matcher(region).matches()) {
                    throw new ConfigException(REPLICATION_SOURCE_REGIONS + " contains an invalid value '" + region
                            + "': expected a Region name such as eu-west-1");
                }
                if (!region.equals(ownRegion)) {
                    regions.add(region);
                }
            }
        }
        return List.copyOf(regions);
    }

    /** True when a role ARN (the session issuer of a CloudTrail event) belongs to this stack. */
    public boolean isOwnRole(String roleArn) {
        return roleArn != null && ownRoleArns.contains(roleArn);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
