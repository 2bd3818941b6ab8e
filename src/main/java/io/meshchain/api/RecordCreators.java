package io.meshchain.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.deser.SettableBeanProperty;
import tools.jackson.databind.deser.ValueInstantiator;
import tools.jackson.databind.deser.ValueInstantiators;
import tools.jackson.databind.deser.bean.PropertyValueBuffer;
import tools.jackson.databind.module.SimpleModule;

/**
 * Builds records read from JSON by calling the constructor Jackson chose for them (the canonical one,
 * unless another is marked as the creator) through a handle made once.
 * Jackson calls a constructor of several arguments with {@code MethodHandle.invokeWithArguments},
 * which on Java 17 builds a new spreading handle at every call: in a node catching up, a quarter of
 * the thread that reads pages of blocks went there (BENCHMARKS.md). Everything else, errors
 * included, is Jackson's own: a constructor that throws is called again through Jackson, which
 * reports the failure as it always does.
 */
final class RecordCreators extends SimpleModule {

    RecordCreators() {
        super("meshchain-record-creators");
    }

    @Override
    public void setupModule(SetupContext context) {
        super.setupModule(context);
        context.addValueInstantiators(new ValueInstantiators.Base() {
            @Override
            public ValueInstantiator modifyValueInstantiator(DeserializationConfig config,
                    BeanDescription.Supplier description, ValueInstantiator instantiator) {
                return Direct.of(instantiator);
            }
        });
    }

    /** Jackson's instantiator, with the call of the record's constructor made directly. */
    static final class Direct extends ValueInstantiator.Delegating {

        private final MethodHandle constructor;

        private Direct(ValueInstantiator jackson, MethodHandle constructor) {
            super(jackson);
            this.constructor = constructor;
        }

        /** {@code jackson} made direct where it builds a record from its properties; as it is otherwise. */
        static ValueInstantiator of(ValueInstantiator jackson) {
            if (jackson instanceof Direct || !jackson.canCreateFromObjectWith() || jackson.getWithArgsCreator() == null
                    || !(jackson.getWithArgsCreator().getAnnotated() instanceof Constructor<?> creator)
                    || !creator.getDeclaringClass().isRecord()) {
                return jackson;
            }
            try {
                // Jackson has made the constructor accessible, so the handle needs no access of its own.
                MethodHandle handle = MethodHandles.lookup().unreflectConstructor(creator)
                        .asSpreader(Object[].class, creator.getParameterCount())
                        .asType(MethodType.methodType(Object.class, Object[].class));
                return new Direct(jackson, handle);
            } catch (IllegalAccessException e) {
                return jackson;
            }
        }

        @Override
        public ValueInstantiator createContextual(DeserializationContext context, BeanDescription.Supplier description) {
            ValueInstantiator contextual = delegate().createContextual(context, description);
            return contextual == delegate() ? this : of(contextual);
        }

        @Override
        public Object createFromObjectWith(DeserializationContext context, SettableBeanProperty[] properties,
                PropertyValueBuffer buffer) {
            return createFromObjectWith(context, buffer.getParameters(context, properties));
        }

        @Override
        public Object createFromObjectWith(DeserializationContext context, Object[] arguments) {
            try {
                return constructor.invokeExact(arguments);
            } catch (RuntimeException e) {
                return delegate().createFromObjectWith(context, arguments); // fails again, as Jackson reports it
            } catch (Error e) {
                throw e;
            } catch (Throwable e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
