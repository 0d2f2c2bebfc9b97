import NIOCore
import NIOHTTP1

/// The end of a keep-alive HTTP/1.1 connection to a peer service: sends one request at a time and collects its
/// answer whole. Lives on its channel's event loop; its pool (``PeerLoopPool``) is told when an exchange ends and
/// when the connection closes.
final class PeerExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private var context: ChannelHandlerContext?
    private var pending: PeerPendingExchange?
    private var head: HTTPResponseHead?
    private var body: ByteBuffer?
    private let maximumBodySize: Int
    /// Exchanges sent on this connection so far.
    private var exchanges = 0
    /// When the connection last became idle.
    var idleSince: NIODeadline = .now()
    /// Called when an exchange ends with a complete answer; `reusable` is false when the peer asked to close.
    var exchangeEnded: ((PeerExchangeHandler, _ reusable: Bool) -> Void)?
    /// Called once, when the connection is gone; `resubmit` is the exchange to send again on another connection (a
    /// GET or HEAD whose kept-alive connection closed before any answer came).
    var closed: ((PeerExchangeHandler, _ resubmit: PeerPendingExchange?) -> Void)?

    init(maximumBodySize: Int) {
        self.maximumBodySize = maximumBodySize
    }

    var isOpen: Bool { context?.channel.isActive ?? false }

    /// The deadline of the exchange under way; nil while idle.
    var deadline: NIODeadline? { pending?.deadline }

    /// True when the exchange under way is the one `promise` belongs to.
    func carries(_ promise: EventLoopPromise<PeerResponse>) -> Bool {
        pending?.promise == promise
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    /// Writes the request; its promise is completed with the answer or the connection's failure.
    func send(_ exchange: PeerPendingExchange) {
        guard let context, pending == nil else {
            exchange.promise.fail(PeerTransportError.connectionClosed(answered: false, reused: exchanges > 0))
            return
        }
        pending = exchange
        exchanges += 1
        context.write(wrapOutboundOut(.head(exchange.request.head)), promise: nil)
        if let body = exchange.request.body {
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard pending != nil, self.head == nil else { return fail(PeerTransportError.unexpectedAnswer, context: context) }
            self.head = head
        case .body(var part):
            guard head != nil else { return fail(PeerTransportError.unexpectedAnswer, context: context) }
            if (body?.readableBytes ?? 0) + part.readableBytes > maximumBodySize {
                return fail(PeerTransportError.answerTooLarge, context: context)
            }
            if body == nil { body = part } else { body!.writeBuffer(&part) }
        case .end:
            guard let head, let exchange = pending else { return fail(PeerTransportError.unexpectedAnswer, context: context) }
            let answer = PeerResponse(status: head.status, headers: head.headers, body: body ?? ByteBuffer())
            self.head = nil
            body = nil
            pending = nil
            exchange.promise.succeed(answer)
            exchangeEnded?(self, head.isKeepAlive)
        }
    }

    /// Ends the exchange under way with `error` and closes the connection.
    func fail(_ error: any Error) {
        guard let context else { return }
        fail(error, context: context)
    }

    func close() {
        context?.close(promise: nil)
    }

    /// Completes when the connection is closed.
    func closeFuture() -> EventLoopFuture<Void>? {
        context?.channel.closeFuture
    }

    private func fail(_ error: any Error, context: ChannelHandlerContext) {
        if let exchange = pending {
            pending = nil
            exchange.promise.fail(error)
        }
        context.close(promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        var resubmit: PeerPendingExchange?
        if var exchange = pending {
            pending = nil
            let reused = exchanges > 1
            // Only a read is sent again: a write may have reached the peer and been applied before the connection
            // closed, and repeating it is not the same as sending it once.
            if head == nil, reused, exchange.mayRetry, exchange.request.isSafeToRepeat {
                exchange.mayRetry = false
                resubmit = exchange
            } else {
                exchange.promise.fail(PeerTransportError.connectionClosed(answered: head != nil, reused: reused))
            }
        }
        self.context = nil
        let closed = self.closed
        self.closed = nil
        exchangeEnded = nil
        closed?(self, resubmit)
        context.fireChannelInactive()
    }
}
