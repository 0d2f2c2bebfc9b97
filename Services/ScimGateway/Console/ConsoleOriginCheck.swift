import HTTPTypes
import InternalAPI
import ServiceClients

/// The first half of the console's CSRF defence: a state-changing request must come from the console's own origin.
/// `Sec-Fetch-Site`, which every current browser sends, decides when present: it must be `same-origin`. An `Origin`
/// must then be the console's origin (from PUBLIC_URL) or `null`, which is what Chromium sends on a form POST from a
/// page with `Referrer-Policy: no-referrer`. Without `Sec-Fetch-Site`, `Origin` must be present and the console's.
/// The second half is the per-session token (``ConsoleSessionID/csrfToken(_:)``), checked by the session middleware.
enum ConsoleOriginCheck {
    static func isSameOrigin(secFetchSite: String?, origin: String?, consoleOrigin: String) -> Bool {
        let matches = origin.map { $0.lowercased() == consoleOrigin.lowercased() }
        guard let secFetchSite else { return matches == true }
        guard secFetchSite.lowercased() == "same-origin" else { return false }
        return matches != false || origin == "null"
    }

    static func isSameOrigin(_ headers: HTTPFields, consoleOrigin: String) -> Bool {
        isSameOrigin(secFetchSite: headers[.secFetchSite], origin: headers[.origin], consoleOrigin: consoleOrigin)
    }
}

extension HTTPField.Name {
    static var secFetchSite: Self { Self("Sec-Fetch-Site")! }
}
