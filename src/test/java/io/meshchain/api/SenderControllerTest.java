package io.meshchain.api;

import io.meshchain.LedgerTestConfiguration;
import io.meshchain.ledger.ChainFixture;
import io.meshchain.ledger.ChainService;
import io.meshchain.primitives.Block;
import io.meshchain.primitives.Transaction;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.web.servlet.MockMvc;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@WebMvcTest(SenderController.class)
@Import(LedgerTestConfiguration.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class SenderControllerTest {

    @Autowired
    private MockMvc mvc;

    @Autowired
    private ChainService chain;

    @Test
    void anOpenNameHasNoKey() throws Exception {
        mvc.perform(get("/senders/gzan3055"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("gzan3055"))
                .andExpect(jsonPath("$.publicKey").isEmpty())
                .andExpect(jsonPath("$.boundAt").isEmpty());
    }

    @Test
    void aBoundNameShowsItsKeyAndTheBlockThatBoundIt() throws Exception {
        Transaction signed = ChainFixture.signed(chain.genesis().hash(), "gzan3055", "binds", ChainFixture.NOW - 1);
        Block block = ChainFixture.mine(chain.genesis(), List.of(signed), ChainFixture.NOW);
        chain.adopt(List.of(block));

        mvc.perform(get("/senders/gzan3055"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.publicKey").value(signed.publicKey()))
                .andExpect(jsonPath("$.boundAt").value(1));
    }

    @Test
    void aNameThatCannotBeASenderIsABadRequest() throws Exception {
        mvc.perform(get("/senders/not-a-name"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("name"));
    }
}
