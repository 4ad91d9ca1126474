package dev.socketloom.jmh.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Netty 4.2 echo server as in Netty's {@code example/echo}: {@code channelRead} writes the message back,
 * {@code channelReadComplete} flushes. One boss thread, Netty's default number of worker event loops
 * (2 x cores). With an {@link SslContext}, an {@code SslHandler} goes first in each child pipeline.
 */
final class NettyEcho implements EchoServer {

    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Channel listener;

    /** Netty's TLS over the benchmark keystore: the JDK's provider, or OpenSSL (BoringSSL via tcnative). */
    static SslContext tls(Path keyStore, boolean openssl) throws Exception {
        if (openssl) {
            OpenSsl.ensureAvailability();
        }
        return SslContextBuilder.forServer(TlsMaterial.keys(keyStore))
                .sslProvider(openssl ? SslProvider.OPENSSL : SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .build();
    }

    NettyEcho(boolean epoll, SslContext ssl) throws InterruptedException {
        IoHandlerFactory factory;
        Class<? extends ServerChannel> channelType;
        if (epoll) {
            Epoll.ensureAvailability();
            factory = EpollIoHandler.newFactory();
            channelType = EpollServerSocketChannel.class;
        } else {
            factory = NioIoHandler.newFactory();
            channelType = NioServerSocketChannel.class;
        }
        boss = new MultiThreadIoEventLoopGroup(1, factory);
        workers = new MultiThreadIoEventLoopGroup(factory);
        EchoHandler handler = new EchoHandler(clients);
        listener = new ServerBootstrap()
                .group(boss, workers)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(ssl == null ? handler : new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(ssl.newHandler(ch.alloc()), handler);
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sync()
                .channel();
    }

    @Override
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public int activeConnections() {
        return clients.size();
    }

    @Override
    public void disconnect() throws Exception {
        listener.close().sync();
        clients.close().sync();
    }

    @Override
    public void close() throws Exception {
        try {
            disconnect();
        } finally {
            boss.shutdownGracefully(0, 5, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 5, TimeUnit.SECONDS);
            boss.terminationFuture().sync();
            workers.terminationFuture().sync();
        }
    }

    @Sharable
    private static final class EchoHandler extends ChannelInboundHandlerAdapter {
        private final ChannelGroup clients;

        EchoHandler(ChannelGroup clients) {
            this.clients = clients;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            clients.add(ctx.channel()); // removed automatically when the channel closes
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
