import Foundation
import HTTPTypes
import HummingbirdTesting
import ServiceTestSupport

/// A browser on the admin console in router tests: it keeps the session cookie, sends forms the way a browser does
/// (same-origin `Origin` and `Sec-Fetch-Site`), and reads each page's CSRF token.
struct ConsoleBrowser {
    static let origin = "https://scim.example.test"
    let client: any TestClientProtocol
    var cookie: String?

    static func sameOrigin() -> HTTPFields {
        [.origin: origin, HTTPField.Name("Sec-Fetch-Site")!: "same-origin"]
    }

    /// Signs in with `key`; keeps the session cookie of a successful sign-in.
    mutating func signIn(_ key: String) async throws -> TestResponse {
        var headers = Self.sameOrigin()
        if let cookie { headers[.cookie] = cookie }  // as a browser does: the cookie's path covers the login page
        let response = try await client.send(
            .post,
            "/console/login",
            headers: headers,
            rawBody: "key=\(Self.encode(key))",
            contentType: "application/x-www-form-urlencoded"
        )
        if let setCookie = response.headers[.setCookie], let pair = setCookie.split(separator: ";").first {
            cookie = String(pair)
        }
        return response
    }

    func get(_ path: String) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let cookie { headers[.cookie] = cookie }
        return try await client.send(.get, path, headers: headers)
    }

    /// A form POST; `csrf` is added unless nil, `headers` replace the same-origin ones.
    func post(_ path: String, _ fields: [(String, String)] = [], csrf: String?, headers: HTTPFields = sameOrigin()) async throws -> TestResponse {
        var headers = headers
        if let cookie { headers[.cookie] = cookie }
        let all = fields + (csrf.map { [("csrf", $0)] } ?? [])
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await client.send(.post, path, headers: headers, rawBody: body, contentType: "application/x-www-form-urlencoded")
    }

    /// The CSRF token of a page's forms.
    static func csrf(in page: TestResponse) -> String? {
        let text = page.text
        guard let range = text.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(text[range.upperBound...].prefix(64))
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
