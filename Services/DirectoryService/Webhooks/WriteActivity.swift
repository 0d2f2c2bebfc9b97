import Hummingbird
import ServiceKit
import Synchronization

/// How many writes the directory has been asked for: the webhook worker gives way to a burst of them.
///
/// An initial sync is the directory's busiest time, and every write in it yields events that the worker then
/// delivers on the same cores. While the writes come fast, the worker takes a quarter of the time it would
/// (``EndpointDelivery``), so the IdP's requests keep their speed and the deliveries catch up when the burst ends.
final class WriteActivity: Sendable {
    /// Writes per second above which the directory counts as busy.
    static let busyWritesPerSecond = 200.0
    private let writes = Atomic<Int>(0)

    init() {}

    func recordWrite() { writes.add(1, ordering: .relaxed) }

    var count: Int { writes.load(ordering: .relaxed) }

    /// How long a worker that just worked for `worked`, while `writes` writes arrived, should pause: three times
    /// as long when the directory is busy (a quarter of the time for the worker), nothing otherwise; at most a second.
    static func pause(worked: Duration, writes: Int) -> Duration {
        let seconds = Double(worked.components.seconds) + Double(worked.components.attoseconds) / 1e18
        guard seconds > 0, Double(writes) / seconds > busyWritesPerSecond else { return .zero }
        return min(worked * 3, .seconds(1))
    }
}

/// Counts the requests that write (any method but GET and HEAD) into a ``WriteActivity``.
struct WriteActivityMiddleware: RouterMiddleware {
    typealias Context = ServiceRequestContext
    let activity: WriteActivity

    func handle(
        _ request: Request,
        context: ServiceRequestContext,
        next: (Request, ServiceRequestContext) async throws -> Response
    ) async throws -> Response {
        if request.method != .get, request.method != .head { activity.recordWrite() }
        return try await next(request, context)
    }
}
