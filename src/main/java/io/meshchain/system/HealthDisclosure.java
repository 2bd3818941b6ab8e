package io.meshchain.system;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.actuate.endpoint.AdditionalHealthEndpointPath;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * How much {@code /actuator/health} tells, and to whom. By default it tells anyone each component's
 * state and the details that say how the node is doing (height, peers reachable, miner, storage sizes
 * and recovery), but nothing that names where the node keeps its files or whom it talks to: that
 * helps someone probing the machine more than it helps a monitor. Spring Boot shows a component's
 * details to everyone or to no one; this default lies between the two, so the node keeps it only
 * while no operator has set {@value #SHOW_DETAILS}. Once an operator sets it, Spring Boot's own
 * behaviour holds as it is: {@code always} shows every detail to anyone, paths included, and
 * {@code never} shows none.
 */
@Component
public class HealthDisclosure implements HealthEndpointGroupsPostProcessor {

    /** The setting by which an operator decides who sees health details, paths included. */
    public static final String SHOW_DETAILS = "management.endpoint.health.show-details";

    private static final String GROUP_SHOW_DETAILS = "management.endpoint.health.group.%s.show-details";

    private final Binder settings;
    private final boolean operatorDecides;

    public HealthDisclosure(Environment environment) {
        this.settings = Binder.get(environment);
        this.operatorDecides = isSet(SHOW_DETAILS);
    }

    /** Whether details may name file paths and network addresses: only once an operator has set {@value #SHOW_DETAILS}. */
    public boolean namesLocations() {
        return operatorDecides;
    }

    private boolean isSet(String setting) {
        return settings.bind(setting, String.class).isBound();
    }

    /**
     * While no operator has decided, every group shows its components' details wherever it shows the
     * components (the components are shown to anyone: {@code show-components: always}); a group whose
     * own {@code show-details} is set keeps it.
     */
    @Override
    public HealthEndpointGroups postProcessHealthEndpointGroups(HealthEndpointGroups groups) {
        if (operatorDecides) {
            return groups;
        }
        Map<String, HealthEndpointGroup> named = new LinkedHashMap<>();
        for (String name : groups.getNames()) {
            HealthEndpointGroup group = groups.get(name);
            named.put(name, isSet(GROUP_SHOW_DETAILS.formatted(name)) ? group : new DetailsWithComponents(group));
        }
        return HealthEndpointGroups.of(new DetailsWithComponents(groups.getPrimary()), named);
    }

    /** A group that shows details to whomever it shows components. */
    private record DetailsWithComponents(HealthEndpointGroup group) implements HealthEndpointGroup {

        @Override
        public boolean isMember(String name) {
            return group.isMember(name);
        }

        @Override
        public boolean showComponents(SecurityContext securityContext) {
            return group.showComponents(securityContext);
        }

        @Override
        public boolean showDetails(SecurityContext securityContext) {
            return group.showComponents(securityContext);
        }

        @Override
        public StatusAggregator getStatusAggregator() {
            return group.getStatusAggregator();
        }

        @Override
        public HttpCodeStatusMapper getHttpCodeStatusMapper() {
            return group.getHttpCodeStatusMapper();
        }

        @Override
        public AdditionalHealthEndpointPath getAdditionalPath() {
            return group.getAdditionalPath();
        }
    }
}
