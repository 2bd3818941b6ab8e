package io.meshchain.api;

import io.meshchain.LedgerTestConfiguration;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.primitives.Block;
import io.meshchain.wire.Paging;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;

import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@WebMvcTest(ChainController.class)
@Import(LedgerTestConfiguration.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class ChainControllerTest {

    @Autowired
    private MockMvc mvc;

    @Autowired
    private ChainService chain;

    private List<Block> blocks;

    @BeforeEach
    void threeBlocks() throws Exception {
        blocks = ChainFixture.extend(chain.genesis(), 3);
        chain.adopt(blocks);
    }

    @Test
    void withoutParametersTheWholeChainIsServed() throws Exception {
        mvc.perform(get("/chain"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.height").value(3))
                .andExpect(jsonPath("$.totalWork").value(4 * 256))
                .andExpect(jsonPath("$.blocks", hasSize(4)))
                .andExpect(jsonPath("$.blocks[0].index").value(0))
                .andExpect(jsonPath("$.blocks[3].hash").value(blocks.get(2).hash()))
                .andExpect(jsonPath("$.blocks[3].previousHash").value(blocks.get(1).hash()))
                .andExpect(jsonPath("$.blocks[3].difficulty").value(ChainFixture.DIFFICULTY))
                .andExpect(jsonPath("$.blocks[3].proof").value(blocks.get(2).proof()))
                .andExpect(jsonPath("$.blocks[3].transactions[0].id").value(blocks.get(2).transactions().get(0).id()));
    }

    @Test
    void aPageHoldsTheBlocksFromFromUpToLimit() throws Exception {
        mvc.perform(get("/chain").param("from", "1").param("limit", "2"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.height").value(3))
                .andExpect(jsonPath("$.blocks", hasSize(2)))
                .andExpect(jsonPath("$.blocks[0].index").value(1))
                .andExpect(jsonPath("$.blocks[1].index").value(2));
    }

    @Test
    void pageBeyondTheTipIsEmpty() throws Exception {
        mvc.perform(get("/chain").param("from", "10"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.blocks", hasSize(0)));
    }

    @Test
    void limitIsCapped() throws Exception {
        chain.adopt(ChainFixture.extend(blocks.get(2), Paging.MAX_ITEMS));
        mvc.perform(get("/chain").param("from", "0").param("limit", "5000"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.blocks", hasSize(Paging.MAX_ITEMS)));
    }

    @Test
    void negativeFromIsRejected() throws Exception {
        mvc.perform(get("/chain").param("from", "-1"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.errors[0].field").value("from"));
    }

    @Test
    void zeroLimitIsRejected() throws Exception {
        mvc.perform(get("/chain").param("limit", "0"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("limit"));
    }

    @Test
    void nonNumericFromIsRejected() throws Exception {
        mvc.perform(get("/chain").param("from", "abc"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("from"));
    }

    @Test
    void blockIsFoundByHash() throws Exception {
        mvc.perform(get("/chain/blocks/" + blocks.get(1).hash()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.index").value(2))
                .andExpect(jsonPath("$.hash").value(blocks.get(1).hash()));
    }

    @Test
    void unknownBlockIsNotFound() throws Exception {
        mvc.perform(get("/chain/blocks/" + "f".repeat(64)))
                .andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
    }
}
