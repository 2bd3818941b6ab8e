package io.meshchain.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The resources a node's pod has under the StatefulSet (512 MiB of memory, one CPU), given to a
 * process on a plain machine through control groups made for it, so a benchmark measures the node
 * as it runs there: the JVM sizes its heap and picks its collector from these limits, as it does in
 * the container, and the kernel enforces them. Needs the right to create control groups (root), in
 * cgroup v1 (memory and cpu hierarchies) or v2 (memory and cpu controllers on the root).
 */
final class PodLimits implements AutoCloseable {

    /** The StatefulSet's memory limit. */
    static final long MEMORY_BYTES = 512L * 1024 * 1024;
    /** Its CPU limit, one CPU, as a quota per period. */
    private static final long CPU_PERIOD_MICROS = 100_000;
    private static final long CPU_QUOTA_MICROS = 100_000;
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private final List<Path> groups;
    private final Path peakFile;

    private PodLimits(List<Path> groups, Path peakFile) {
        this.groups = groups;
        this.peakFile = peakFile;
    }

    /** Control groups named {@code name} with the pod's limits, or empty where they cannot be made here. */
    static Optional<PodLimits> create(String name) {
        try {
            if (Files.isRegularFile(ROOT.resolve("cgroup.controllers"))) {
                String controllers = Files.readString(ROOT.resolve("cgroup.controllers"));
                if (!controllers.contains("memory") || !controllers.contains("cpu")) {
                    return Optional.empty();
                }
                Files.writeString(ROOT.resolve("cgroup.subtree_control"), "+memory +cpu");
                Path group = Files.createDirectories(ROOT.resolve(name));
                Files.writeString(group.resolve("memory.max"), String.valueOf(MEMORY_BYTES));
                Files.writeString(group.resolve("cpu.max"), CPU_QUOTA_MICROS + " " + CPU_PERIOD_MICROS);
                return Optional.of(new PodLimits(List.of(group), group.resolve("memory.peak")));
            }
            Path memory = ROOT.resolve("memory");
            Path cpu = ROOT.resolve("cpu");
            if (!Files.isDirectory(memory) || !Files.isDirectory(cpu)) {
                return Optional.empty();
            }
            Path memoryGroup = Files.createDirectories(memory.resolve(name));
            Path cpuGroup = Files.createDirectories(cpu.resolve(name));
            Files.writeString(memoryGroup.resolve("memory.limit_in_bytes"), String.valueOf(MEMORY_BYTES));
            Files.writeString(cpuGroup.resolve("cpu.cfs_period_us"), String.valueOf(CPU_PERIOD_MICROS));
            Files.writeString(cpuGroup.resolve("cpu.cfs_quota_us"), String.valueOf(CPU_QUOTA_MICROS));
            return Optional.of(new PodLimits(List.of(memoryGroup, cpuGroup),
                    memoryGroup.resolve("memory.max_usage_in_bytes")));
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * A command prefix that moves the process into the groups, then runs the rest of the command with
     * the image's environment for the JVM ({@code MALLOC_ARENA_MAX}, as the Dockerfile sets it).
     */
    List<String> launcher() {
        StringBuilder join = new StringBuilder();
        for (Path group : groups) {
            join.append("echo $$ > ").append(group.resolve("cgroup.procs")).append(" && ");
        }
        return List.of("sh", "-c", join + "exec \"$@\"", "sh", "env", "MALLOC_ARENA_MAX=2");
    }

    /** The most memory the group has used, page cache included, in MB. */
    long peakMegabytes() throws IOException {
        return Long.parseLong(Files.readString(peakFile).strip()) / (1024 * 1024);
    }

    /** Removes the groups; their processes must have ended. */
    @Override
    public void close() throws IOException {
        for (Path group : groups) {
            Files.deleteIfExists(group);
        }
    }
}
