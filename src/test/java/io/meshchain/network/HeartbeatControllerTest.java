package io.meshchain.network;

import io.meshchain.api.JsonConfigurationAccess;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.then;
import static org.mockito.Mockito.never;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@WebMvcTest(HeartbeatController.class)
@Import(JsonConfigurationAccess.class)
class HeartbeatControllerTest {

    private static final String TIP = "ab".repeat(32);

    @Autowired
    private MockMvc mvc;

    @MockitoBean
    private HeartbeatService heartbeats;

    private final NodeSummary mine = new NodeSummary("n1", 3, TIP, 1_000, BigInteger.valueOf(1024), 2,
            List.of(new PeerView("http://127.0.0.1:8081", "n2", true, 3L, 5_000L)));

    @Test
    void summaryNamesTheTipWorkAndPeers() throws Exception {
        given(heartbeats.summary()).willReturn(mine);
        mvc.perform(get("/heartbeat"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.nodeId").value("n1"))
                .andExpect(jsonPath("$.height").value(3))
                .andExpect(jsonPath("$.tipHash").value(TIP))
                .andExpect(jsonPath("$.tipTimestamp").value(1_000))
                .andExpect(jsonPath("$.totalWork").value(1024))
                .andExpect(jsonPath("$.pending").value(2))
                .andExpect(jsonPath("$.peers[0].url").value("http://127.0.0.1:8081"))
                .andExpect(jsonPath("$.peers[0].nodeId").value("n2"))
                .andExpect(jsonPath("$.peers[0].reachable").value(true))
                .andExpect(jsonPath("$.peers[0].height").value(3))
                .andExpect(jsonPath("$.peers[0].lastSeen").value(5_000));
    }

    @Test
    void postedSummaryIsAnsweredWithOurs() throws Exception {
        given(heartbeats.receive(any(), any(), any(), any(), anyBoolean())).willReturn(mine);
        mvc.perform(post("/heartbeat").contentType(MediaType.APPLICATION_JSON).content(
                        "{\"nodeId\":\"n2\",\"height\":4,\"tipHash\":\"" + "cd".repeat(32)
                                + "\",\"tipTimestamp\":2000,\"totalWork\":1280,\"pending\":0,\"peers\":[]}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.nodeId").value("n1"));
        then(heartbeats).should().receive(any(), any(), any(), any(), anyBoolean());
    }

    /** The two tokens reach the service each as what it is: the caller's for this node, and this node's back. */
    @Test
    void theCallersTokenAndThisNodesTokenBackReachTheServiceApart() throws Exception {
        given(heartbeats.receive(any(), any(), any(), any(), anyBoolean())).willReturn(mine);
        mvc.perform(post("/heartbeat").contentType(MediaType.APPLICATION_JSON)
                        .header("X-Meshchain-Relay-Token", "caller-gives")
                        .header("X-Meshchain-Peer-Token", "this-node-gave")
                        .content("{\"nodeId\":\"n2\",\"height\":4,\"tipHash\":\"" + "cd".repeat(32)
                                + "\",\"tipTimestamp\":2000,\"totalWork\":1280,\"pending\":0,\"peers\":[]}"))
                .andExpect(status().isOk());
        then(heartbeats).should().receive(any(), eq("caller-gives"), eq("this-node-gave"), any(), eq(false));
    }

    @Test
    void malformedSummaryIsRejectedWithoutActingOnIt() throws Exception {
        mvc.perform(post("/heartbeat").contentType(MediaType.APPLICATION_JSON).content(
                        "{\"nodeId\":\"n2\",\"height\":4,\"tipHash\":\"nope\",\"tipTimestamp\":2000,\"totalWork\":1280,\"pending\":0}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("tipHash"));
        mvc.perform(post("/heartbeat").contentType(MediaType.APPLICATION_JSON).content(
                        "{\"nodeId\":\"n2\",\"height\":4,\"tipHash\":\"" + "cd".repeat(32)
                                + "\",\"tipTimestamp\":2000,\"totalWork\":1280,\"pending\":0,\"evil\":\"http://evil\"}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[0].field").value("evil"));
        then(heartbeats).should(never()).receive(any(), any(), any(), any(), anyBoolean());
    }
}
