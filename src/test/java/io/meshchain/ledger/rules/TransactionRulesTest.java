package io.meshchain.ledger.rules;

import io.meshchain.primitives.Transaction;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionRulesTest {

    private static final long NOW = 1_764_000_000_000L;

    private static List<String> rulesBroken(String sender, String content, long timestamp) {
        return TransactionRules.check(sender, content, timestamp, NOW).stream().map(RuleViolation::rule).toList();
    }

    @Test
    void theSeedsUniversityLoginAndAShortMessageAreValid() {
        assertThat(rulesBroken("gzan3055", "hello meshchain", NOW)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "gzan 3055", "gzan-3055", "gzän3055", "gzan3055!", "abcdefghijklmnopqrstuvwxyz0123456"})
    void senderMustBeOneToThirtyTwoLettersOrDigits(String sender) {
        assertThat(rulesBroken(sender, "hello", NOW)).containsExactly("sender-format");
    }

    @Test
    void senderOfThirtyTwoCharactersIsValid() {
        assertThat(rulesBroken("a".repeat(32), "hello", NOW)).isEmpty();
    }

    @Test
    void contentIsCountedInCodePoints() {
        assertThat(rulesBroken("alice", "😀".repeat(70), NOW)).isEmpty();
        assertThat(rulesBroken("alice", "😀".repeat(71), NOW)).containsExactly("content-length");
        assertThat(rulesBroken("alice", "x".repeat(71), NOW)).containsExactly("content-length");
    }

    @Test
    void contentMustNotBeEmpty() {
        assertThat(rulesBroken("alice", "", NOW)).containsExactly("content-length");
    }

    @Test
    void contentMustNotBeBlank() {
        assertThat(rulesBroken("alice", "   ", NOW)).containsExactly("content-not-blank");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a|b", "back\\slash", "new\nline", "tab\tbed", "nul\u0000", "del\u007f", "c1\u0085"})
    void contentMustNotHoldSeparatorsOrControlCharacters(String content) {
        assertThat(rulesBroken("alice", content, NOW)).containsExactly("content-characters");
    }

    /** Each of these encoded to "?" by a lenient UTF-8 encoder, so they would share an id with "pay ? to bob". */
    @ParameterizedTest
    @ValueSource(strings = {"pay \ud800 to bob", "pay \udfff to bob", "pay \udc00\ud800 to bob", "ends high \ud83d",
            "\ude00 starts low"})
    void contentMustNotHoldUnpairedSurrogates(String content) {
        assertThat(rulesBroken("alice", content, NOW)).containsExactly("content-characters");
    }

    @Test
    void aSurrogatePairIsOneCharacter() {
        assertThat(rulesBroken("alice", "pay \ud83d\ude00 to bob", NOW)).isEmpty();
    }

    @Test
    void timestampMayBeUpToTwoMinutesAhead() {
        long limit = NOW + TransactionRules.MAX_CLOCK_DRIFT.toMillis();
        assertThat(rulesBroken("alice", "hello", limit)).isEmpty();
        assertThat(rulesBroken("alice", "hello", limit + 1)).containsExactly("timestamp-not-in-future");
    }

    @Test
    void idMustBeTheHashOfTheFields() {
        Transaction honest = Transaction.of("alice", "pay bob 5", NOW);
        Transaction tampered = new Transaction(honest.id(), "alice", "pay bob 500", NOW);

        assertThat(TransactionRules.check(honest, NOW)).isEmpty();
        assertThat(TransactionRules.check(tampered, NOW)).extracting(RuleViolation::rule)
                .containsExactly("id-matches-contents");
    }

    @Test
    void everyBrokenRuleIsReportedWithItsField() {
        List<RuleViolation> violations = TransactionRules.check("a b", "x|y", NOW, NOW);
        assertThat(violations).extracting(RuleViolation::field).containsExactly("sender", "content");
    }
}
