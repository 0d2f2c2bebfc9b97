import Synchronization

/// Opens once, or fails once: whoever waits for it is resumed then, or when its task is cancelled.
final class StartupGate: Sendable {
    private enum State {
        case waiting([Int: CheckedContinuation<Void, any Error>])
        case finished(Result<Void, any Error>)
    }

    private let state = Mutex(State.waiting([:]))
    private let nextWaiter = Atomic<Int>(0)

    func open() { finish(.success(())) }

    func fail(_ error: any Error) { finish(.failure(error)) }

    func wait() async throws {
        let id = nextWaiter.wrappingAdd(1, ordering: .relaxed).oldValue
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = state.withLock { state -> Result<Void, any Error>? in
                    switch state {
                    case .finished(let result):
                        return result
                    case .waiting(var waiters):
                        if Task.isCancelled { return .failure(CancellationError()) }
                        waiters[id] = continuation
                        state = .waiting(waiters)
                        return nil
                    }
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard case .waiting(var waiters) = state, let waiter = waiters.removeValue(forKey: id) else { return nil }
                state = .waiting(waiters)
                return waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    private func finish(_ result: Result<Void, any Error>) {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .finished(result)
            return Array(waiters.values)
        }
        for waiter in waiters { waiter.resume(with: result) }
    }
}
