package io.meshchain.crypto;

import io.meshchain.pow.Hashes;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Ed25519 verifications a second on one thread, of a signed transaction's message: Bouncy Castle's,
 * which the node uses ({@link Signatures}), beside the JDK 17 provider's. {@code
 * scripts/bench-signatures.sh} runs it with openssl's rate on the same machine beside it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
public class SignatureBenchmark {

    private static final String GENESIS = "ab".repeat(32);

    private byte[] publicKey;
    private byte[] message;
    private byte[] signature;
    private Signature jdkVerifier;
    private KeyPair jdkKeys;

    @Setup
    public void sign() throws Exception {
        jdkKeys = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] encodedPublic = jdkKeys.getPublic().getEncoded();
        publicKey = Arrays.copyOfRange(encodedPublic, encodedPublic.length - Signatures.PUBLIC_KEY_BYTES,
                encodedPublic.length);
        message = Hashes.signingMessage(GENESIS, "gzan3055", "a transaction of ordinary length, signed",
                1_764_000_000_000L, publicKey);
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(jdkKeys.getPrivate());
        signer.update(message);
        signature = signer.sign();
        jdkVerifier = Signature.getInstance("Ed25519");
    }

    @Benchmark
    public boolean bouncyCastle() {
        return Signatures.verify(publicKey, signature, message);
    }

    @Benchmark
    public boolean jdk() throws Exception {
        jdkVerifier.initVerify(jdkKeys.getPublic());
        jdkVerifier.update(message);
        return jdkVerifier.verify(signature);
    }
}
