package sai.gateway.edge;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.micronaut.http.server.netty.configuration.NettyHttpServerConfiguration;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import jakarta.inject.Singleton;

/**
 * Puts {@link RequestEdgeHandler} on every HTTP/1.1 connection of the Netty server: its byte watcher in front of
 * the HTTP decoder, the handler right behind it, and the decoder itself rebuilt with Micronaut's own limits
 * ({@code micronaut.server.netty.*}) plus {@link LengthTrackingHeaders}. The Lambda build has no Netty server,
 * and API Gateway does this work there.
 */
@Singleton
@Requires(classes = NettyServerCustomizer.class)
class EdgePipelineInstaller implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    private static final String CODEC = ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC;

    private final EdgeConfiguration timeouts;
    private final EdgeRefusals refusals;
    private final NettyHttpServerConfiguration server;

    EdgePipelineInstaller(EdgeConfiguration timeouts, EdgeRefusals refusals, NettyHttpServerConfiguration server) {
        this.timeouts = timeouts;
        this.refusals = refusals;
        this.server = server;
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new Customizer(null));
        return event.getBean();
    }

    private HttpServerCodec codec() {
        HttpDecoderConfig config = new HttpDecoderConfig()
                .setMaxInitialLineLength(server.getMaxInitialLineLength())
                .setMaxHeaderSize(server.getMaxHeaderSize())
                .setMaxChunkSize(server.getMaxChunkSize())
                .setValidateHeaders(server.isValidateHeaders())
                .setInitialBufferSize(server.getInitialBufferSize());
        return new HttpServerCodec(config.setHeadersFactory(LengthTrackingHeaders.factory((DefaultHttpHeadersFactory) config.getHeadersFactory())));
    }

    private final class Customizer implements NettyServerCustomizer {

        @Nullable
        private final Channel channel;

        Customizer(@Nullable Channel channel) {
            this.channel = channel;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            return role == ChannelRole.CONNECTION ? new Customizer(channel) : this;
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (channel == null) {
                return;
            }
            ChannelPipeline pipeline = channel.pipeline();
            // Only the plain HTTP/1.1 pipeline (the gateway's); HTTP/2 frames its requests without this decoder.
            if (!(pipeline.get(CODEC) instanceof HttpServerCodec)) {
                return;
            }
            pipeline.replace(CODEC, CODEC, codec());
            RequestEdgeHandler edge = new RequestEdgeHandler(refusals, timeouts, server.getMaxHeaderSize(), server.getMaxInitialLineLength());
            pipeline.addBefore(CODEC, "sai-request-bytes", edge.bytesWatcher());
            pipeline.addAfter(CODEC, "sai-request-edge", edge);
        }
    }
}
