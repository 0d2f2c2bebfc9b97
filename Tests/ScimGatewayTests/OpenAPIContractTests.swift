import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import IdentityMapping
import InternalAPI
import Logging
import ScimCore
import ServiceClients
import ServiceKit
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// The published API contract (README "API contract (OpenAPI)"): the documents the gateway serves are the repo's files
/// byte for byte, are OpenAPI 3.1 JSON, and document exactly the routes the gateway registers under `/admin/v1` and
/// `/api/v1` (a new route without documentation fails here). Tests/OpenAPI/run.sh checks the answers against them.
@Suite("SCIM gateway: the OpenAPI documents", .timeLimit(.minutes(2)))
struct OpenAPIContractTests {
    /// A served document: its URL, the repo file and the prefix its `servers` entry names.
    struct Document: Sendable, CustomStringConvertible {
        var url: String
        var file: String
        var prefix: String
        var description: String { url }
    }

    static let documents = [
        Document(url: "/admin/v1/openapi.json", file: "admin.json", prefix: "/admin/v1"),
        Document(url: "/api/v1/openapi.json", file: "application.json", prefix: "/api/v1"),
    ]

    static func repoFile(_ name: String) throws -> Data {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return try Data(contentsOf: root.appendingPathComponent("Services/ScimGateway/OpenAPI/\(name)"))
    }

    @Test(arguments: documents)
    func servedDocumentIsTheRepoFileByteForByte(document: Document) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let answer = try await client.request(.get, document.url, bearer: Fixture.adminKey)
            #expect(answer.status == .ok)
            #expect(answer.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(Data(answer.body.readableBytesView) == (try Self.repoFile(document.file)))
        }
    }

    @Test(arguments: documents)
    func anyValidKeyReadsTheDocumentsAndNoOneElse(document: Document) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            _ = try await gateway.seed(tenant: "acme", idp: "okta")
            for role in ApiKeyRole.allCases {
                let key = gateway.tokens.issueApiKey(tenantID: "acme", role: role).key
                #expect(try await client.request(.get, document.url, bearer: key).status == .ok, "\(role)")
            }
            let scimToken = try await gateway.seed(tenant: "acme", idp: "entra")
            for bearer in [nil, "wrong-admin-key", scimToken] as [String?] {
                let refused = try await client.request(.get, document.url, bearer: bearer)
                #expect(refused.status == .unauthorized)
                #expect(refused.headers[.contentType] == MediaType.scim)
            }
        }
    }

    /// Every `(method, path)` the router serves under the document's prefix, relative to it.
    static func registeredOperations(under prefix: String) async throws -> Set<String> {
        let http = try InternalHTTPClient(baseURL: "http://127.0.0.1:9", internalKey: ServiceTestCredentials.internalKey, serviceName: "directory")
        let mapping = FakeMappingClient()
        let peers = GatewayPeers(
            tokens: FakeTokenClient(),
            directory: HTTPDirectoryClient(client: http),
            mapping: mapping,
            identityMapper: IdentityMapper(mapping: mapping),
            readiness: []
        )
        let router = buildRouter(
            peers: peers,
            gateway: GatewayConfiguration(adminKey: Fixture.adminKey, publicURL: Fixture.publicURL),
            provisioningLog: ProvisioningLogShipper(
                directory: peers.directory,
                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        )
        await http.shutdown()
        try router.validate()
        var operations: Set<String> = []
        for route in router.routes {
            let joined = route.path.description  // captures read `{name}`, as in OpenAPI
            guard joined.hasPrefix(prefix + "/") else { continue }
            operations.insert("\(route.method.rawValue) \(joined.dropFirst(prefix.count))")
        }
        return operations
    }

    /// Every `(method, path)` the document describes.
    static func documentedOperations(_ document: JSONValue) -> Set<String> {
        let methods = ["get", "put", "post", "delete", "patch", "head", "options"]
        var operations: Set<String> = []
        for (path, item) in document["paths"]?.objectValue ?? [:] {
            for method in methods where item[method] != nil {
                operations.insert("\(method.uppercased()) \(path)")
            }
        }
        return operations
    }

    @Test(arguments: documents)
    func documentNamesEveryRegisteredRouteAndNoOther(document: Document) async throws {
        let json = try JSONValue.decode(try Self.repoFile(document.file))
        #expect(json["openapi"]?.stringValue?.hasPrefix("3.1.") == true)
        #expect(json["servers"]?.arrayValue?.first?["url"]?.stringValue == document.prefix)
        let registered = try await Self.registeredOperations(under: document.prefix)
        let documented = Self.documentedOperations(json)
        #expect(registered.count > 5, "the router's routes were read")
        #expect(registered.subtracting(documented).sorted() == [], "routes the gateway serves without documentation")
        #expect(documented.subtracting(registered).sorted() == [], "documented operations the gateway does not serve")
    }
}
