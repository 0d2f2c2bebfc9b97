import HTTPTypes
import InternalAPI
import ServiceClients

/// The first half of the console's CSRF defence: a state-changing request must come from the console's own origin.
/// `Sec-Fetch-Site`, when the browser sends it, must be `same-origin`; `Origin`, when sent, must be the console's
/// origin (from PUBLIC_URL); and at least one of them must be present (every current browser sends both on a POST).
/// The second half is the per-session token (``ConsoleSessionID/csrfToken(_:)``), checked by the session middleware.
enum ConsoleOriginCheck {
    static func isSameOrigin(secFetchSite: String?, origin: String?, consoleOrigin: String) -> Bool {
        if secFetchSite == nil, origin == nil { return false }
        if let secFetchSite, secFetchSite.lowercased() != "same-origin" { return false }
        if let origin, origin.lowercased() != consoleOrigin.lowercased() { return false }
        return true
    }

    static func isSameOrigin(_ headers: HTTPFields, consoleOrigin: String) -> Bool {
        isSameOrigin(secFetchSite: headers[.secFetchSite], origin: headers[.origin], consoleOrigin: consoleOrigin)
    }
}

extension HTTPField.Name {
    static var secFetchSite: Self { Self("Sec-Fetch-Site")! }
}
