package io.meshchain.mining;

import io.meshchain.LedgerTestConfiguration;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.ledger.MiningTemplate;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@WebMvcTest(ProofController.class)
@Import(LedgerTestConfiguration.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class ProofControllerTest {

    @Autowired
    private MockMvc mvc;

    @Autowired
    private ChainService chain;

    private List<Transaction> pending;

    @BeforeEach
    void twoPendingTransactions() {
        pending = ChainFixture.txs(2);
        pending.forEach(tx -> chain.submit(tx, null));
    }

    private ResultActions postProof(long index, String previousHash, long timestamp, List<Transaction> transactions,
                                    long proof) throws Exception {
        String ids = transactions.stream().map(tx -> "\"" + tx.id() + "\"").collect(Collectors.joining(","));
        return mvc.perform(post("/proof").contentType(MediaType.APPLICATION_JSON).content(
                "{\"index\":" + index + ",\"previousHash\":\"" + previousHash + "\",\"timestamp\":" + timestamp
                        + ",\"transactionIds\":[" + ids + "],\"proof\":" + proof + "}"));
    }

    @Test
    void templateHoldsEverythingNeededToMine() throws Exception {
        mvc.perform(get("/proof"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.index").value(1))
                .andExpect(jsonPath("$.previousHash").value(chain.genesis().hash()))
                .andExpect(jsonPath("$.lastProof").value(0))
                .andExpect(jsonPath("$.difficulty").value(ChainFixture.DIFFICULTY))
                .andExpect(jsonPath("$.timestamp").value(pending.get(1).timestamp())) // the newest transaction's
                .andExpect(jsonPath("$.transactions", hasSize(2)))
                .andExpect(jsonPath("$.transactions[0].id").value(pending.get(0).id()));
    }

    @Test
    void validProofCreatesTheBlock() throws Exception {
        MiningTemplate template = chain.template();
        Block mined = ChainFixture.mine(1, template.previousHash(), pending, template.timestamp(), template.difficulty());

        postProof(1, template.previousHash(), template.timestamp(), pending, mined.proof())
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", "/chain/blocks/" + mined.hash()))
                .andExpect(jsonPath("$.hash").value(mined.hash()))
                .andExpect(jsonPath("$.transactions", hasSize(2)));
        mvc.perform(get("/proof")).andExpect(jsonPath("$.index").value(2))
                .andExpect(jsonPath("$.lastProof").value(mined.proof()));
    }

    @Test
    void proofOnAnOldTipIsAConflict() throws Exception {
        MiningTemplate template = chain.template();
        Block mined = ChainFixture.mine(1, template.previousHash(), pending.subList(0, 1), template.timestamp(),
                template.difficulty());
        postProof(1, template.previousHash(), template.timestamp(), pending.subList(0, 1), mined.proof())
                .andExpect(status().isCreated());

        postProof(1, template.previousHash(), template.timestamp(), pending.subList(1, 2), mined.proof())
                .andExpect(status().isConflict())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }

    @Test
    void proofForATransactionThatIsNotPendingIsAConflict() throws Exception {
        postProof(1, chain.genesis().hash(), ChainFixture.NOW, List.of(ChainFixture.tx()), 0)
                .andExpect(status().isConflict());
    }

    @Test
    void aBlockStampedAtTheEpochIsUnprocessable() throws Exception {
        MiningTemplate template = chain.template();
        long epoch = chain.genesis().timestamp();
        Block backDated = ChainFixture.mine(1, template.previousHash(), pending, epoch, template.difficulty());

        postProof(1, template.previousHash(), epoch, pending, backDated.proof())
                .andExpect(status().isUnprocessableContent())
                .andExpect(jsonPath("$.rule").value("timestamp-after-median-time-past"));
        assertThat(chain.tip().height()).isZero();
    }

    @Test
    void proofThatMissesTheDifficultyIsUnprocessable() throws Exception {
        MiningTemplate template = chain.template();
        Block unworked = ChainFixture.withoutWork(chain.genesis(), pending, template.timestamp());
        postProof(1, template.previousHash(), template.timestamp(), pending, unworked.proof())
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.rule").value("proof-of-work"));
    }

    @Test
    void malformedProofIsABadRequest() throws Exception {
        mvc.perform(post("/proof").contentType(MediaType.APPLICATION_JSON)
                        .content("{\"index\":1,\"previousHash\":\"xyz\",\"timestamp\":1,\"transactionIds\":[],\"proof\":1}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors", hasSize(2)));
        mvc.perform(post("/proof").contentType(MediaType.APPLICATION_JSON).content("{\"index\":1}"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }
}
