import Foundation

/// The published API contract (README "API contract (OpenAPI)"): the OpenAPI 3.1 documents of the admin API and of the
/// application API, kept in the repo as `Services/ScimGateway/OpenAPI/*.json` and shipped as this target's resource
/// bundle (`provisio_ScimGateway.resources`, next to the executable in the build folder and in the container image).
/// Served byte for byte as they are in the repo.
struct OpenAPIDocuments: Sendable {
    /// `GET /admin/v1/openapi.json`.
    var admin: Data
    /// `GET /api/v1/openapi.json`.
    var application: Data

    enum LoadError: Error, CustomStringConvertible {
        case missing(String)

        var description: String {
            switch self {
            case .missing(let name): "The API document OpenAPI/\(name).json is missing from the gateway's resource bundle."
            }
        }
    }

    /// The documents of this build, read once; production's composition root reads them at start-up, so a build
    /// without them stops there instead of answering 500 later.
    static let bundled: Result<OpenAPIDocuments, LoadError> = {
        guard let admin = document("admin") else { return .failure(.missing("admin")) }
        guard let application = document("application") else { return .failure(.missing("application")) }
        return .success(OpenAPIDocuments(admin: admin, application: application))
    }()

    private static func document(_ name: String) -> Data? {
        Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "OpenAPI").flatMap { try? Data(contentsOf: $0) }
    }
}
