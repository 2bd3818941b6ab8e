package io.meshchain.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.meshchain.ledger.ChainFixture;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignaturesTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] PRIVATE_KEY = HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");

    /** RFC 8032, section 7.1, tests 1 to 3: secret key, public key, message, signature. */
    @ParameterizedTest
    @CsvSource({
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60,"
                + "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a,,"
                + "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb,"
                + "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c,72,"
                + "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7,"
                + "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025,af82,"
                + "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"})
    void rfc8032TestVectors(String secret, String publicKey, String message, String signature) {
        byte[] sk = HEX.parseHex(secret);
        byte[] pk = HEX.parseHex(publicKey);
        byte[] m = message == null ? new byte[0] : HEX.parseHex(message);
        byte[] sig = HEX.parseHex(signature);

        assertThat(Signatures.publicKey(sk)).isEqualTo(pk);
        assertThat(Signatures.sign(sk, m)).isEqualTo(sig);
        assertThat(Signatures.verify(pk, sig, m)).isTrue();
        byte[] flipped = sig.clone();
        flipped[0] ^= 1;
        assertThat(Signatures.verify(pk, flipped, m)).isFalse();
    }

    /** The JDK's own Ed25519 is an independent implementation: each verifies what the other signs. */
    @Test
    void theJdksEd25519AndThisOneAgree() throws Exception {
        KeyPair jdk = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        byte[] encodedPrivate = jdk.getPrivate().getEncoded();
        byte[] seed = Arrays.copyOfRange(encodedPrivate, encodedPrivate.length - 32, encodedPrivate.length);
        byte[] encodedPublic = jdk.getPublic().getEncoded();
        byte[] key = Arrays.copyOfRange(encodedPublic, encodedPublic.length - 32, encodedPublic.length);
        byte[] message = "a transaction's message, signed elsewhere".getBytes(StandardCharsets.UTF_8);

        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(jdk.getPrivate());
        signer.update(message);
        assertThat(Signatures.verify(key, signer.sign(), message)).as("the JDK's signature, verified here").isTrue();

        assertThat(Signatures.publicKey(seed)).isEqualTo(key);
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(jdk.getPublic());
        verifier.update(message);
        assertThat(verifier.verify(Signatures.sign(seed, message))).as("this signature, verified by the JDK").isTrue();
    }

    @Test
    void keysAndSignaturesTravelAsBase64UrlWithoutPadding() {
        byte[] key = Signatures.publicKey(PRIVATE_KEY);
        String text = Signatures.encode(key);

        assertThat(text).hasSize(43).doesNotContain("=", "+", "/");
        assertThat(Signatures.decode(text, Signatures.PUBLIC_KEY_BYTES)).isEqualTo(key);
        assertThatThrownBy(() -> Signatures.decode(text + "=", Signatures.PUBLIC_KEY_BYTES))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Signatures.decode(text.substring(1), Signatures.PUBLIC_KEY_BYTES))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Signatures.decode("not base64!", Signatures.PUBLIC_KEY_BYTES))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Signatures.decode(text, Signatures.SIGNATURE_BYTES))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void onlyTheOneCanonicalStringOfAKeyIsTaken() {
        String text = Signatures.encode(Signatures.publicKey(PRIVATE_KEY));
        String sameBytes = ChainFixture.nonCanonical(text);

        assertThat(Base64.getUrlDecoder().decode(sameBytes)).as("a lenient decoder reads the same key")
                .isEqualTo(Base64.getUrlDecoder().decode(text));
        assertThatThrownBy(() -> Signatures.decode(sameBytes, Signatures.PUBLIC_KEY_BYTES))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("canonical");
        String signature = Signatures.encode(Signatures.sign(PRIVATE_KEY, new byte[] {1}));
        assertThat(Signatures.isCanonical(signature, Signatures.SIGNATURE_BYTES)).isTrue();
        assertThat(Signatures.isCanonical(ChainFixture.nonCanonical(signature), Signatures.SIGNATURE_BYTES)).isFalse();
    }
}
