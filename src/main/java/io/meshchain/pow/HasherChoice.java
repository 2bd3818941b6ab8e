package io.meshchain.pow;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the fastest {@link AttemptHasher} this JVM and CPU allow, once, and says in the log why a
 * faster one is not used:
 * <ol>
 * <li>{@link LaneHasher}, 16 or more proofs at once, when the JVM has the Vector API
 * ({@code --add-modules jdk.incubator.vector}), its optimising compiler (the Vector API is slow
 * without it) and vector registers of at least {@value #MIN_LANES} 32-bit lanes (AVX-512), and the
 * difficulty is at least {@value #MIN_LANE_DIFFICULTY} bits. With fewer lanes it is no faster than
 * the next, measured on AVX2; below that difficulty a search is too short to repay the lanes' set-up
 * and the JIT's warm-up of them (BENCHMARKS.md);</li>
 * <li>{@link MidstateHasher}, one compression per attempt on the JDK's own SHA-256 block function,
 * when the JVM opens {@code java.base/sun.security.provider} (the jar's manifest does);</li>
 * <li>{@link DigestHasher}, the whole header through {@link java.security.MessageDigest}.</li>
 * </ol>
 * All three find the same proofs. This class refers to {@link LaneHasher} only once the Vector API
 * is known to be there, so that it loads on any JVM.
 */
final class HasherChoice {

    private static final Logger log = LoggerFactory.getLogger(HasherChoice.class);

    static final String VECTOR_MODULE = "jdk.incubator.vector";
    /** Fewer lanes than this are no faster than {@link MidstateHasher} on a CPU with SHA instructions. */
    static final int MIN_LANES = 16;

    /**
     * Below this, a block's search takes under 3 ms one proof at a time (65,536 attempts expected at
     * 16 bits), and a node mining many such blocks a second took fewer transactions with the lanes.
     */
    static final int MIN_LANE_DIFFICULTY = 16;

    private static final boolean LANES = lanesUsable();

    private HasherChoice() {
    }

    static AttemptHasher forHeader(byte[] encoded, int difficulty) {
        AttemptHasher single = MidstateHasher.isAvailable() ? new MidstateHasher(encoded) : new DigestHasher(encoded);
        return usesLanes(difficulty) ? new LaneHasher(encoded, single) : single;
    }

    static String name(int difficulty) {
        if (usesLanes(difficulty)) {
            return LaneHasher.NAME;
        }
        String single = MidstateHasher.isAvailable() ? MidstateHasher.NAME : DigestHasher.NAME;
        return LANES ? single + "; SIMD lanes from difficulty " + MIN_LANE_DIFFICULTY : single;
    }

    private static boolean usesLanes(int difficulty) {
        return LANES && difficulty >= MIN_LANE_DIFFICULTY;
    }

    private static boolean lanesUsable() {
        if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
            log.info("Mining hashes one proof at a time; start the JVM with --add-modules {} to hash {} or more "
                    + "at once on a CPU with 512-bit vectors", VECTOR_MODULE, MIN_LANES);
            return false;
        }
        if (!optimisingCompilerOn()) {
            log.info("Mining hashes one proof at a time: the Vector API needs the JIT's optimising compiler, "
                    + "and this JVM stops short of it (-XX:TieredStopAtLevel)");
            return false;
        }
        try {
            if (LaneHasher.LANES < MIN_LANES) {
                log.info("Mining hashes one proof at a time: this CPU's vectors hold {} 32-bit lanes, and fewer "
                        + "than {} are no faster", LaneHasher.LANES, MIN_LANES);
                return false;
            }
            if (!LaneHasher.agreesWithDigest()) {
                log.warn("Mining hashes one proof at a time: the SIMD lanes gave a hash that differs from SHA-256's");
                return false;
            }
            return true;
        } catch (LinkageError | RuntimeException e) {
            log.info("Mining hashes one proof at a time: the Vector API is not usable here ({})", e.toString());
            return false;
        }
    }

    private static boolean optimisingCompilerOn() {
        try {
            HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            boolean tiered = Boolean.parseBoolean(hotspot.getVMOption("TieredCompilation").getValue());
            return !tiered || Integer.parseInt(hotspot.getVMOption("TieredStopAtLevel").getValue()) >= 4;
        } catch (RuntimeException | LinkageError e) {
            return true; // not HotSpot: assume an optimising compiler
        }
    }
}
