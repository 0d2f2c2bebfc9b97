import Foundation
import InternalAPI
import Logging
import ServiceLifecycle

/// Flags an identity provider none of whose active tokens outlives the warning window (with one token: its
/// only token expires soon), and records a `token.expiring` event once per token.
struct ExpiryWarnings<Store: TokenStore>: Sendable {
    let store: Store
    let clock: any TokenClock
    let windowDays: Int
    let activity: any ActivitySink

    /// The warning for an IdP's active tokens, or nil when one of them lives past the window (or never expires).
    func warning(for active: [TokenMetadata]) -> TokenExpiryWarning? {
        let limit = clock.now().addingTimeInterval(TimeInterval(windowDays) * 86_400)
        guard !active.isEmpty, active.allSatisfy({ $0.expiresAt.map { $0 <= limit } ?? false }) else { return nil }
        let last = active.max { ($0.expiresAt ?? .distantFuture) < ($1.expiresAt ?? .distantFuture) }!
        let expiresAt = last.expiresAt!
        return TokenExpiryWarning(
            tokenID: last.id,
            prefix: last.prefix,
            expiresAt: expiresAt,
            windowDays: windowDays,
            detail: "Every active token of this identity provider expires by \(ISO8601DateFormatter().string(from: expiresAt)) "
                + "(within \(windowDays) days); recreate the token or extend its validity, or provisioning stops then."
        )
    }

    /// Computes the IdP's warning and records its event the first time it is seen.
    func check(tenantID: String, idpID: String, logger: Logger) async throws -> TokenExpiryWarning? {
        let active = try await store.activeTokens(tenantID: tenantID, idpID: idpID, at: clock.now())
        guard let warning = warning(for: active) else { return nil }
        let event = TokenEvent(
            tenantID: tenantID,
            idpID: idpID,
            subjectID: warning.tokenID,
            action: "token.expiring",
            actor: "system",
            occurredAt: clock.now(),
            detail: "prefix=\(warning.prefix) expires=\(ISO8601DateFormatter().string(from: warning.expiresAt))"
        )
        if try await store.markExpiryWarned(tokenID: warning.tokenID, event: event) {
            logger.notice("Token expiring soon", metadata: ["tenant.id": "\(tenantID)", "idp.id": "\(idpID)", "token.prefix": "\(warning.prefix)"])
            await activity.forward(event, logger: logger)
        }
        return warning
    }

    /// Checks every IdP with a token expiring inside the window and not warned about yet.
    func checkAll(logger: Logger) async throws {
        let now = clock.now()
        let before = now.addingTimeInterval(TimeInterval(windowDays) * 86_400)
        for (tenantID, idpID) in try await store.identityProvidersWithUnwarnedExpiry(before: before, at: now) {
            _ = try await check(tenantID: tenantID, idpID: idpID, logger: logger)
        }
    }
}

/// Runs ``ExpiryWarnings/checkAll(logger:)`` every `interval` until shutdown, so warnings appear without an
/// admin listing tokens.
struct ExpiryWatcher<Store: TokenStore>: Service {
    let warnings: ExpiryWarnings<Store>
    let interval: Duration
    let logger: Logger

    func run() async throws {
        guard interval > .zero else {  // off: stay until shutdown (a service that returns stops the group)
            try? await gracefulShutdown()
            return
        }
        while !Task.isShuttingDownGracefully {
            do {
                try await warnings.checkAll(logger: logger)
            } catch {
                logger.warning("Expiry check failed", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
        }
    }
}
