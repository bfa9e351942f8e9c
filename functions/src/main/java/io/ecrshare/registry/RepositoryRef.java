package io.ecrshare.registry;

/** A repository in a registry (an account) in a region. */
public record RepositoryRef(String registryId, String region, String name) {

    public RepositoryRef {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("repository name is required");
        }
    }

    public String arn() {
        return "arn:" + partition(region) + ":ecr:" + region + ":" + registryId + ":repository/" + name;
    }

    static String partition(String region) {
        if (region == null) {
            return "aws";
        }
        if (region.startsWith("cn-")) {
            return "aws-cn";
        }
        if (region.startsWith("us-gov-")) {
            return "aws-us-gov";
        }
        return "aws";
    }

    @Override
    public String toString() {
        return name;
    }
}
