import InternalAPI
import ServiceClients

/// Who a console request acts for, set by ``ConsoleSessionMiddleware`` for the whole handling of the request (a
/// task-local value, like ``ApiPrincipal``): the session's principal, its CSRF token for the forms a page renders, and
/// the fields of a POSTed form (already checked for the CSRF token).
struct ConsoleUser: Sendable {
    var principal: ConsolePrincipal
    var sessionIDHash: String
    var csrfToken: String
    var form: [String: String] = [:]

    @TaskLocal static var current: ConsoleUser?

    /// A viewer key's session sees no write controls, and its writes are refused.
    var canWrite: Bool { principal.role != .viewer }

    /// What the layout shows of who is signed in.
    var label: String {
        guard let tenantID = principal.tenantID else { return "Operator (root key)" }
        return "\(tenantID) · \(principal.role?.rawValue ?? "")"
    }
}
