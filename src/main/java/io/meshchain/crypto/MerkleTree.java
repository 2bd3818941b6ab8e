package io.meshchain.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * RFC 6962's Merkle tree hash (section 2.1) over a list of leaves, and its audit paths: a leaf's hash
 * is SHA-256 of 0x00 and the leaf, a node's SHA-256 of 0x01 and its two children, and a list of n
 * leaves splits at the largest power of two below n. Unlike Bitcoin's tree, which hashes the last
 * node with itself, no two different lists share a root (CVE-2012-2459). A transaction's inclusion
 * in a block is proved with at most ceil(log2 n) hashes, checked as RFC 9162 (section 2.1.3.2) says.
 */
public final class MerkleTree {

    private static final byte LEAF = 0x00;
    private static final byte NODE = 0x01;

    private MerkleTree() {
    }

    /** A new SHA-256 digest, the hash of RFC 6962's tree. */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /** The tree hash of {@code leaves}; of none, SHA-256 of nothing. */
    public static byte[] root(List<byte[]> leaves) {
        return rootOfLeafHashes(leafHashes(leaves));
    }

    /** The tree hash of leaves given by their hashes ({@link #leafHashes}). */
    public static byte[] rootOfLeafHashes(List<byte[]> leafHashes) {
        MessageDigest digest = sha256();
        if (leafHashes.isEmpty()) {
            return digest.digest();
        }
        return root(leafHashes, 0, leafHashes.size(), digest);
    }

    /** Each leaf's hash, SHA-256 of 0x00 and the leaf: what the tree is built on, 32 bytes each. */
    public static List<byte[]> leafHashes(List<byte[]> leaves) {
        MessageDigest digest = sha256();
        List<byte[]> hashes = new ArrayList<>(leaves.size());
        for (byte[] leaf : leaves) {
            hashes.add(leafHash(leaf, digest));
        }
        return hashes;
    }

    private static byte[] root(List<byte[]> leafHashes, int from, int to, MessageDigest digest) {
        if (to - from == 1) {
            return leafHashes.get(from);
        }
        int split = from + largestPowerOfTwoBelow(to - from);
        return nodeHash(root(leafHashes, from, split, digest), root(leafHashes, split, to, digest), digest);
    }

    /** The audit path of the leaf at {@code index}: the hashes that tie it to the root, leaf side first. */
    static List<byte[]> auditPath(List<byte[]> leaves, int index) {
        return auditPathOfLeafHashes(leafHashes(leaves), index);
    }

    /** The audit path of the leaf at {@code index}, the leaves given by their hashes ({@link #leafHashes}). */
    public static List<byte[]> auditPathOfLeafHashes(List<byte[]> leafHashes, int index) {
        if (index < 0 || index >= leafHashes.size()) {
            throw new IllegalArgumentException("no leaf " + index + " among " + leafHashes.size());
        }
        List<byte[]> path = new ArrayList<>();
        path(leafHashes, index, 0, leafHashes.size(), path, sha256());
        return path;
    }

    private static void path(List<byte[]> leafHashes, int index, int from, int to, List<byte[]> path,
                             MessageDigest digest) {
        if (to - from == 1) {
            return;
        }
        int split = from + largestPowerOfTwoBelow(to - from);
        if (index < split) {
            path(leafHashes, index, from, split, path, digest);
            path.add(root(leafHashes, split, to, digest));
        } else {
            path(leafHashes, index, split, to, path, digest);
            path.add(root(leafHashes, from, split, digest));
        }
    }

    /**
     * True when {@code path} ties {@code leaf}, the {@code index}th of {@code count} leaves, to
     * {@code root} (RFC 9162, 2.1.3.2).
     */
    public static boolean verify(byte[] leaf, long index, long count, List<byte[]> path, byte[] root) {
        if (index < 0 || index >= count) {
            return false;
        }
        MessageDigest digest = sha256();
        long fn = index;
        long sn = count - 1;
        byte[] r = leafHash(leaf, digest);
        for (byte[] p : path) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r, digest);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p, digest);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && Arrays.equals(r, root);
    }

    private static byte[] leafHash(byte[] leaf, MessageDigest digest) {
        digest.update(LEAF);
        return digest.digest(leaf);
    }

    private static byte[] nodeHash(byte[] left, byte[] right, MessageDigest digest) {
        digest.update(NODE);
        digest.update(left);
        return digest.digest(right);
    }

    /** The largest power of two below {@code n}, which is at least 2. */
    private static int largestPowerOfTwoBelow(int n) {
        return Integer.highestOneBit(n - 1);
    }
}
