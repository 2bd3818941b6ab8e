package io.meshchain.api;

import io.meshchain.LedgerTestConfiguration;
import io.meshchain.crypto.MerkleTree;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.InMemoryLedgerStore;
import io.meshchain.ledger.MiningTemplate;
import io.meshchain.ledger.RelayedBy;
import io.meshchain.ledger.TransactionAccepted;
import io.meshchain.pow.Hashes;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import io.meshchain.wire.Paging;
import io.meshchain.wire.RelayHeader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@WebMvcTest(TransactionController.class)
@Import(LedgerTestConfiguration.class)
@RecordApplicationEvents
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class TransactionControllerTest {

    @Autowired
    private MockMvc mvc;

    @Autowired
    private ChainService chain;

    @Autowired
    private ApplicationEvents events;

    @Autowired
    private InMemoryLedgerStore store;

    private ResultActions submit(String json) throws Exception {
        return mvc.perform(post("/transactions").contentType(MediaType.APPLICATION_JSON).content(json));
    }

    private ResultActions expectFieldError(String json, String field) throws Exception {
        return submit(json)
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.errors[0].field").value(field));
    }

    @Test
    void newTransactionIsCreatedPendingWithItsLocation() throws Exception {
        String id = Hashes.transactionId("gzan3055", "hello", ChainFixture.NOW);
        submit("{\"sender\":\"gzan3055\",\"content\":\"hello\",\"timestamp\":" + ChainFixture.NOW + "}")
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", "/transactions/" + id))
                .andExpect(jsonPath("$.id").value(id))
                .andExpect(jsonPath("$.sender").value("gzan3055"))
                .andExpect(jsonPath("$.content").value("hello"))
                .andExpect(jsonPath("$.timestamp").value(ChainFixture.NOW))
                .andExpect(jsonPath("$.status").value("pending"));
        assertThat(events.stream(TransactionAccepted.class)).hasSize(1);
    }

    @Test
    void withoutTimestampTheNodeStampsIt() throws Exception {
        submit("{\"sender\":\"gzan3055\",\"content\":\"hello\"}")
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.timestamp").value(ChainFixture.NOW));
    }

    @Test
    void contentWithAnUnpairedSurrogateIsABadRequestAndTakesNoOtherTransactionsId() throws Exception {
        String question = "{\"sender\":\"alice\",\"content\":\"pay ? to bob\",\"timestamp\":" + ChainFixture.NOW + "}";
        submit(question).andExpect(status().isCreated());

        for (String lone : new String[] {"\\ud800", "\\udfff"}) {
            expectFieldError("{\"sender\":\"alice\",\"content\":\"pay " + lone + " to bob\",\"timestamp\":"
                    + ChainFixture.NOW + "}", "content")
                    .andExpect(jsonPath("$.errors[0].rule").value("content-characters"));
        }
        submitBatch("[" + item("alice", "fine") + "," + item("alice", "pay \\udfff to bob") + "]")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("[1].content"));
        assertThat(chain.pending(0, 1000).transactions()).extracting(tx -> tx.content()).containsExactly("pay ? to bob");
    }

    private static String signedJson(Transaction tx) {
        return "{\"sender\":\"" + tx.sender() + "\",\"content\":\"" + tx.content() + "\",\"timestamp\":"
                + tx.timestamp() + ",\"publicKey\":\"" + tx.publicKey() + "\",\"signature\":\"" + tx.signature() + "\"}";
    }

    @Test
    void aSignedTransactionIsTakenWithItsKeyAndSignature() throws Exception {
        Transaction signed = ChainFixture.signed(chain.genesis().hash(), "gzan3055", "signed hello", ChainFixture.NOW);

        submit(signedJson(signed))
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", "/transactions/" + signed.id()))
                .andExpect(jsonPath("$.id").value(signed.id()))
                .andExpect(jsonPath("$.publicKey").value(signed.publicKey()))
                .andExpect(jsonPath("$.signature").value(signed.signature()));
        assertThat(chain.pending(0, 10).transactions()).containsExactly(signed);
        mvc.perform(get("/transactions/" + Hashes.transactionId("gzan3055", "signed hello", ChainFixture.NOW)))
                .andExpect(status().isNotFound());
    }

    @Test
    void aSignatureThatIsNotTheKeysOnThisNetworkIsABadRequestNamingTheSignature() throws Exception {
        Transaction signed = ChainFixture.signed(chain.genesis().hash(), "gzan3055", "signed hello", ChainFixture.NOW);
        Transaction elsewhere = ChainFixture.signed("ee".repeat(32), "gzan3055", "signed hello", ChainFixture.NOW);
        Transaction otherContent = ChainFixture.signed(chain.genesis().hash(), "gzan3055", "other", ChainFixture.NOW);

        for (String forged : List.of(signedJson(elsewhere), signedJson(signed).replace(signed.signature(),
                otherContent.signature()), signedJson(signed).replace("signed hello", "signed goodbye"))) {
            expectFieldError(forged, "signature").andExpect(jsonPath("$.errors[0].rule").value("signature"));
        }
        assertThat(chain.pending(0, 10).transactions()).isEmpty();
    }

    @Test
    void aConfirmedTransactionsProofTiesItToItsBlocksRootAndAPendingOneIsAConflict() throws Exception {
        Transaction signed = ChainFixture.signed(chain.genesis().hash(), "gzan3055", "proved", ChainFixture.NOW - 3);
        List<Transaction> transactions = List.of(Transaction.of("alice", "first", ChainFixture.NOW - 5), signed,
                Transaction.of("alice", "third", ChainFixture.NOW - 2));
        Block block = ChainFixture.mine(chain.genesis(), transactions, ChainFixture.NOW);
        chain.adopt(List.of(block));
        Transaction pending = Transaction.of("gzan3055x", "still pending", ChainFixture.NOW);
        chain.submit(pending, null);

        String body = mvc.perform(get("/transactions/" + signed.id() + "/proof"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.blockIndex").value(1))
                .andExpect(jsonPath("$.blockHash").value(block.hash()))
                .andExpect(jsonPath("$.leafIndex").value(1))
                .andExpect(jsonPath("$.leafCount").value(3))
                .andExpect(jsonPath("$.transactionsRoot").value(block.header().transactionsRoot()))
                .andReturn().getResponse().getContentAsString();
        List<byte[]> path = new ArrayList<>();
        JsonMapper.builder().build().readTree(body).get("auditPath")
                .forEach(hash -> path.add(HexFormat.of().parseHex(hash.asString())));
        byte[] leaf = Hashes.leaves(List.of(signed.id()), Collections.singletonList(signed.signatureBytes()))
                .get(0);
        assertThat(MerkleTree.verify(leaf, 1, 3, path, HexFormat.of().parseHex(block.header().transactionsRoot())))
                .isTrue();

        mvc.perform(get("/transactions/" + pending.id() + "/proof")).andExpect(status().isConflict());
        mvc.perform(get("/transactions/" + "ab".repeat(32) + "/proof")).andExpect(status().isNotFound());
    }

    @Test
    void aNameBoundToAKeyTakesOnlyThatKeysTransactions() throws Exception {
        Transaction signed = ChainFixture.signed(chain.genesis().hash(), "gzan3055", "binds", ChainFixture.NOW - 1);
        chain.adopt(List.of(ChainFixture.mine(chain.genesis(), List.of(signed), ChainFixture.NOW)));

        submit("{\"sender\":\"gzan3055\",\"content\":\"as anyone\"}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].rule").value("sender-key"))
                .andExpect(jsonPath("$.errors[0].field").value("sender"));
        submit(signedJson(ChainFixture.signed(chain.genesis().hash(), "gzan3055", "again", ChainFixture.NOW)))
                .andExpect(status().isCreated());
    }

    @Test
    void aSignedTransactionNeedsItsTimestampItsKeyAndItsSignatureWellFormed() throws Exception {
        Transaction signed = ChainFixture.signed(chain.genesis().hash(), "gzan3055", "signed hello", ChainFixture.NOW);
        String json = signedJson(signed);

        expectFieldError(json.replace(",\"timestamp\":" + signed.timestamp(), ""), "timestamp");
        expectFieldError(json.replace(",\"signature\":\"" + signed.signature() + "\"", ""), "signature");
        expectFieldError(json.replace(",\"publicKey\":\"" + signed.publicKey() + "\"", ""), "publicKey");
        expectFieldError(json.replace(signed.publicKey(), signed.publicKey() + "="), "publicKey");
        expectFieldError(json.replace(signed.signature(), signed.signature().substring(2)), "signature");
        expectFieldError(json.replace(signed.publicKey(), ChainFixture.nonCanonical(signed.publicKey())), "publicKey");
        expectFieldError(json.replace(signed.signature(), ChainFixture.nonCanonical(signed.signature())), "signature");
    }

    @Test
    void sameTransactionAgainIsOkNotCreated() throws Exception {
        String json = "{\"sender\":\"gzan3055\",\"content\":\"hello\",\"timestamp\":" + ChainFixture.NOW + "}";
        submit(json).andExpect(status().isCreated());
        submit(json).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("pending"));
        assertThat(chain.pending(0, 1000).transactions()).hasSize(1);
        assertThat(events.stream(TransactionAccepted.class)).hasSize(1);
    }

    private ResultActions submitBatch(String json) throws Exception {
        return mvc.perform(post("/transactions/batch").contentType(MediaType.APPLICATION_JSON)
                .requestAttr(RelayHeader.RELAYED_BY, RelayedBy.of("n2")).content(json));
    }

    private static String item(String sender, String content) {
        return "{\"sender\":\"" + sender + "\",\"content\":\"" + content + "\",\"timestamp\":" + ChainFixture.NOW + "}";
    }

    @Test
    void aBatchSaysWhatWasAcceptedKnownAndRefused() throws Exception {
        submit(item("gzan3055", "first")).andExpect(status().isCreated());

        submitBatch("[" + item("gzan3055", "first") + "," + item("gzan3055", "second") + "," + item("not a name", "x")
                + "," + item("gzan3055", "third") + "]")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.accepted").value(2))
                .andExpect(jsonPath("$.known").value(1))
                .andExpect(jsonPath("$.refused", hasSize(1)))
                .andExpect(jsonPath("$.refused[0].index").value(2))
                .andExpect(jsonPath("$.refused[0].rule").value("sender-format"));
        assertThat(chain.pending(0, 1000).transactions()).extracting(tx -> tx.content())
                .containsExactly("first", "second", "third");
        assertThat(events.stream(TransactionAccepted.class)).extracting(TransactionAccepted::relayedBy)
                .containsExactly(null, RelayedBy.of("n2"), RelayedBy.of("n2"));
    }

    @Test
    void aBatchThatIsEmptyTooLargeOrLacksATimestampIsABadRequest() throws Exception {
        submitBatch("[]").andExpect(status().isBadRequest()).andExpect(jsonPath("$.errors[0].field").value("transactions"));
        String tooMany = String.join(",", java.util.Collections.nCopies(Paging.MAX_BATCH + 1, item("gzan3055", "x")));
        submitBatch("[" + tooMany + "]").andExpect(status().isBadRequest());
        submitBatch("[" + item("gzan3055", "x") + ",{\"sender\":\"gzan3055\",\"content\":\"y\"}]")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("[1].timestamp"));
        assertThat(chain.pending(0, 1000).transactions()).as("nothing of a refused batch is taken").isEmpty();
    }

    @Test
    void aRelayRecognisedByItsTokenNamesTheRelayingNode() throws Exception {
        mvc.perform(post("/transactions").contentType(MediaType.APPLICATION_JSON).requestAttr(RelayHeader.RELAYED_BY, RelayedBy.of("n2"))
                        .content("{\"sender\":\"gzan3055\",\"content\":\"hello\",\"timestamp\":1}"))
                .andExpect(status().isCreated());
        assertThat(events.stream(TransactionAccepted.class)).singleElement()
                .satisfies(accepted -> assertThat(accepted.relayedBy()).isEqualTo(RelayedBy.of("n2")));
    }

    /**
     * Only a recognised peer's relay says from when a block may take a transaction; a client's
     * {@code eligibleFrom} is ignored, alone or in a batch, and its transactions wait from their arrival.
     */
    @Test
    void theMomentARelaySaysIsTakenFromARecognisedPeerOnly() throws Exception {
        String stamped = "\"timestamp\":" + (ChainFixture.NOW - 5_000) + ",\"eligibleFrom\":" + (ChainFixture.NOW - 4_000);
        String client = "{\"sender\":\"gzan3055\",\"content\":\"a client's\"," + stamped + "}";
        String relayed = "{\"sender\":\"gzan3055\",\"content\":\"a relay's\"," + stamped + "}";
        String clientInBatch = "{\"sender\":\"bob\",\"content\":\"a client's, in a batch\"," + stamped + "}";
        String relayedInBatch = "{\"sender\":\"bob\",\"content\":\"a relay's, in a batch\"," + stamped + "}";

        submit(client).andExpect(status().isCreated());
        mvc.perform(post("/transactions").contentType(MediaType.APPLICATION_JSON)
                .requestAttr(RelayHeader.RELAYED_BY, RelayedBy.of("n2")).content(relayed)).andExpect(status().isCreated());
        mvc.perform(post("/transactions/batch").contentType(MediaType.APPLICATION_JSON).content("[" + clientInBatch + "]"))
                .andExpect(status().isOk());
        submitBatch("[" + relayedInBatch + "]").andExpect(status().isOk());

        assertThat(events.stream(TransactionAccepted.class))
                .extracting(accepted -> accepted.transaction().content(), TransactionAccepted::eligibleFrom)
                .containsExactly(tuple("a client's", ChainFixture.NOW), tuple("a relay's", ChainFixture.NOW - 4_000),
                        tuple("a client's, in a batch", ChainFixture.NOW),
                        tuple("a relay's, in a batch", ChainFixture.NOW - 4_000));
    }

    @Test
    void theRelayHeaderAloneIsAClientsWordAndNotBelieved() throws Exception {
        mvc.perform(post("/transactions").contentType(MediaType.APPLICATION_JSON).header(RelayHeader.NAME, "n2")
                        .content("{\"sender\":\"gzan3055\",\"content\":\"hello\",\"timestamp\":1}"))
                .andExpect(status().isCreated());
        assertThat(events.stream(TransactionAccepted.class)).singleElement()
                .satisfies(accepted -> assertThat(accepted.relayedBy()).isNull());
    }

    @Test
    void invalidSenderIsRejectedNamingTheFieldAndRule() throws Exception {
        expectFieldError("{\"sender\":\"gz an\",\"content\":\"hello\"}", "sender")
                .andExpect(jsonPath("$.errors[0].rule").value("sender-format"));
    }

    @Test
    void overlongContentIsRejected() throws Exception {
        expectFieldError("{\"sender\":\"gzan3055\",\"content\":\"" + "x".repeat(71) + "\"}", "content");
    }

    @Test
    void emptyContentIsRejected() throws Exception {
        expectFieldError("{\"sender\":\"gzan3055\",\"content\":\"\"}", "content");
    }

    @Test
    void missingContentIsRejected() throws Exception {
        expectFieldError("{\"sender\":\"gzan3055\"}", "content")
                .andExpect(jsonPath("$.errors[0].message").value("is required"));
    }

    @Test
    void everyMissingFieldIsNamed() throws Exception {
        expectFieldError("{\"timestamp\":" + ChainFixture.NOW + "}", "sender")
                .andExpect(jsonPath("$.title").value("Invalid request"))
                .andExpect(jsonPath("$.errors[1].field").value("content"))
                .andExpect(jsonPath("$.errors.length()").value(2));
    }

    @Test
    void futureTimestampIsRejected() throws Exception {
        expectFieldError("{\"sender\":\"gzan3055\",\"content\":\"hi\",\"timestamp\":" + (ChainFixture.NOW + 600_000) + "}",
                "timestamp");
    }

    @Test
    void unknownFieldIsRejected() throws Exception {
        expectFieldError("{\"sender\":\"gzan3055\",\"content\":\"hi\",\"amount\":5}", "amount");
    }

    @Test
    void wrongTypeIsRejected() throws Exception {
        expectFieldError("{\"sender\":42,\"content\":\"hi\"}", "sender");
        expectFieldError("{\"sender\":\"gzan3055\",\"content\":\"hi\",\"timestamp\":\"soon\"}", "timestamp");
    }

    @Test
    void malformedJsonIsRejected() throws Exception {
        expectFieldError("{\"sender\":\"gzan3055\",", "body");
    }

    @Test
    void emptyBodyIsRejected() throws Exception {
        expectFieldError("", "body");
    }

    @Test
    void nonJsonBodyIsUnsupported() throws Exception {
        mvc.perform(post("/transactions").contentType(MediaType.TEXT_PLAIN).content("tx gzan3055 hello"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @Test
    void wildcardOrUnparseableContentTypeIsUnsupported() throws Exception {
        for (String contentType : new String[] {"application/*", "*/*", "not a type;;"}) {
            mvc.perform(post("/transactions").header("Content-Type", contentType).content("{}"))
                    .andExpect(status().isUnsupportedMediaType())
                    .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        }
    }

    @Test
    void hugeBodyIsTooLarge() throws Exception {
        String huge = "{\"sender\":\"gzan3055\",\"content\":\"" + "x".repeat(RequestBodyLimitFilter.MAX_REQUEST_BYTES) + "\"}";
        submit(huge)
                .andExpect(status().isPayloadTooLarge())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @Test
    void fullPoolAnswersServiceUnavailableWithRetryAfter() throws Exception {
        for (int i = 0; i < LedgerTestConfiguration.POOL_CAPACITY; i++) {
            submit("{\"sender\":\"s" + i + "\",\"content\":\"tx " + i + "\"}").andExpect(status().isCreated());
        }
        submit("{\"sender\":\"gzan3055\",\"content\":\"one too many\"}")
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "5"))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:meshchain:problem:pool-full"));
    }

    @Test
    void aSenderOverItsLimitIsTooManyRequestsWhileOthersAreStillTaken() throws Exception {
        for (int i = 0; i < LedgerTestConfiguration.SENDER_LIMIT; i++) {
            submit("{\"sender\":\"flood\",\"content\":\"tx " + i + "\"}").andExpect(status().isCreated());
        }
        submit("{\"sender\":\"flood\",\"content\":\"one too many\"}")
                .andExpect(status().isTooManyRequests())
                .andExpect(header().exists("Retry-After"))
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("urn:meshchain:problem:sender-limit"))
                .andExpect(jsonPath("$.detail").value(startsWith("sender flood has 6 transactions pending")));
        submit("{\"sender\":\"quiet\",\"content\":\"still welcome\"}").andExpect(status().isCreated());
        assertThat(chain.pendingCount()).isEqualTo(LedgerTestConfiguration.SENDER_LIMIT + 1);
    }

    @Test
    void aBatchNamesTheSenderLimitForWhatItRefuses() throws Exception {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i <= LedgerTestConfiguration.SENDER_LIMIT; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"sender\":\"flood\",\"content\":\"tx ").append(i)
                    .append("\",\"timestamp\":").append(ChainFixture.NOW).append('}');
        }
        mvc.perform(post("/transactions/batch").contentType(MediaType.APPLICATION_JSON).content(batch.append(']').toString()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.accepted").value(LedgerTestConfiguration.SENDER_LIMIT))
                .andExpect(jsonPath("$.refused", hasSize(1)))
                .andExpect(jsonPath("$.refused[0].index").value(LedgerTestConfiguration.SENDER_LIMIT))
                .andExpect(jsonPath("$.refused[0].rule").value("sender-limit"));
    }

    @Test
    void submissionTheDiskCannotKeepIsServiceUnavailable() throws Exception {
        store.failWrites(true);
        submit("{\"sender\":\"gzan3055\",\"content\":\"no room\"}")
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().exists("Retry-After"))
                .andExpect(jsonPath("$.title").value("Storage unavailable"));
        assertThat(chain.pending(0, 1000).transactions()).isEmpty();
    }

    @Test
    void pendingPoolIsListedOldestFirst() throws Exception {
        submit("{\"sender\":\"a\",\"content\":\"first\"}");
        submit("{\"sender\":\"b\",\"content\":\"second\"}");
        mvc.perform(get("/transactions"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.transactions", hasSize(2)))
                .andExpect(jsonPath("$.transactions[0].content").value("first"))
                .andExpect(jsonPath("$.transactions[1].status").value("pending"));
    }

    @Test
    void pendingPoolIsServedAPageAtATime() throws Exception {
        for (int i = 0; i < 5; i++) {
            submit("{\"sender\":\"a\",\"content\":\"tx" + i + "\"}");
        }
        mvc.perform(get("/transactions?offset=1&limit=2"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.total").value(5))
                .andExpect(jsonPath("$.offset").value(1))
                .andExpect(jsonPath("$.transactions", hasSize(2)))
                .andExpect(jsonPath("$.transactions[0].content").value("tx1"))
                .andExpect(jsonPath("$.transactions[1].content").value("tx2"));
        mvc.perform(get("/transactions?offset=5"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.total").value(5))
                .andExpect(jsonPath("$.transactions", hasSize(0)));
    }

    @Test
    void pageOutsideTheContractIsABadRequestNamingTheParameter() throws Exception {
        mvc.perform(get("/transactions?limit=1001"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("limit"));
        mvc.perform(get("/transactions?limit=0"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("limit"));
        mvc.perform(get("/transactions?offset=-1"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("offset"));
        mvc.perform(get("/transactions?limit=many"))
                .andExpect(status().isBadRequest());
    }

    @Test
    void confirmedTransactionShowsItsBlock() throws Exception {
        String id = Hashes.transactionId("gzan3055", "hello", ChainFixture.NOW);
        submit("{\"sender\":\"gzan3055\",\"content\":\"hello\",\"timestamp\":" + ChainFixture.NOW + "}");
        mvc.perform(get("/transactions/" + id)).andExpect(jsonPath("$.status").value("pending"))
                .andExpect(jsonPath("$.blockIndex").doesNotExist());

        MiningTemplate template = chain.template();
        var block = chain.appendMined(ChainFixture.mine(template.index(), template.previousHash(),
                template.transactions(), template.timestamp(), template.difficulty()));

        mvc.perform(get("/transactions/" + id))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("confirmed"))
                .andExpect(jsonPath("$.blockIndex").value(1))
                .andExpect(jsonPath("$.blockHash").value(block.hash()))
                .andExpect(jsonPath("$.confirmations").value(1));
    }

    @Test
    void unknownTransactionIsNotFound() throws Exception {
        mvc.perform(get("/transactions/" + "a".repeat(64)))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail", startsWith("no transaction")));
    }
}
