import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The contents of `<data dir>/demo.json`, a contract with tooling outside the repo: keep the keys as they are.
struct DemoCredentials: Codable, Equatable {
    static let fileName = "demo.json"
    var scimBaseURL: String
    var token: String
    var adminURL: String
    var adminKey: String
}

/// Makes sure the demo tenant `demo` with its identity provider `default` and a working token exist, reusing
/// the credentials of an earlier start when they still work.
struct DemoTenant {
    static let tenantID = "demo"
    static let idpID = "default"

    var adminURL: String
    var adminKey: String
    var dataDirectory: URL

    private struct IdentityProviderView: Decodable { var scimBaseURL: String }
    private struct IssuedToken: Decodable { var token: String }

    func ensure() async throws -> DemoCredentials {
        let file = dataDirectory.appendingPathComponent(DemoCredentials.fileName)
        let previous = (try? Data(contentsOf: file)).flatMap { try? JSONDecoder().decode(DemoCredentials.self, from: $0) }

        try await createIfMissing("/tenants", body: ["id": Self.tenantID, "name": "Demo"])
        try await createIfMissing(
            "/tenants/\(Self.tenantID)/idps",
            body: ["id": Self.idpID, "name": "Default", "providerType": "Generic", "description": "Demo identity provider"]
        )
        let (status, data) = try await call(.GET, "/tenants/\(Self.tenantID)/idps/\(Self.idpID)")
        guard status == 200, let idp = try? JSONDecoder().decode(IdentityProviderView.self, from: data) else {
            throw ExitError(message: "Could not read the demo identity provider (HTTP \(status)).")
        }
        var token = previous?.token
        if let existing = token, !(try await tokenWorks(existing, scimBaseURL: idp.scimBaseURL)) {
            token = nil
        }
        if token == nil {
            let (status, data) = try await call(.POST, "/tenants/\(Self.tenantID)/idps/\(Self.idpID)/tokens", body: ["validDays": 365])
            guard status == 201, let issued = try? JSONDecoder().decode(IssuedToken.self, from: data) else {
                throw ExitError(message: "Could not create the demo token (HTTP \(status)).")
            }
            token = issued.token
        }
        let credentials = DemoCredentials(scimBaseURL: idp.scimBaseURL, token: token!, adminURL: adminURL, adminKey: adminKey)
        if credentials != previous {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try PrivateFile.write(try encoder.encode(credentials), to: file)
        }
        return credentials
    }

    /// A token works when the SCIM endpoint authenticates it: an unknown user is then 404, not 401.
    private func tokenWorks(_ token: String, scimBaseURL: String) async throws -> Bool {
        var request = HTTPClientRequest(url: scimBaseURL + "/Users/00000000-0000-0000-0000-000000000000")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response.status.code == 404
    }

    private func createIfMissing(_ path: String, body: [String: Any]) async throws {
        let (status, _) = try await call(.POST, path, body: body)
        guard status == 201 || status == 409 else { throw ExitError(message: "POST \(path) failed with HTTP \(status).") }
    }

    private func call(_ method: NIOHTTP1.HTTPMethod, _ path: String, body: [String: Any]? = nil) async throws -> (UInt, Data) {
        var request = HTTPClientRequest(url: adminURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(adminKey)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return (response.status.code, Data(buffer: bytes))
    }
}
