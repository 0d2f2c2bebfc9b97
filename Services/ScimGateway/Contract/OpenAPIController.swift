import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import ScimCore
import ServiceKit

/// `GET /admin/v1/openapi.json` and `GET /api/v1/openapi.json`: the API documents (``OpenAPIDocuments``), to callers
/// with the root admin key or a tenant API key of any role; anonymous callers get 401 like the APIs themselves.
struct OpenAPIController {
    let documents: Result<OpenAPIDocuments, OpenAPIDocuments.LoadError>

    func register(on group: RouterGroup<ServiceRequestContext>) {
        group.get("admin/v1/openapi.json") { _, _ in try serve(\.admin) }
        group.get("api/v1/openapi.json") { _, _ in try serve(\.application) }
    }

    private func serve(_ document: KeyPath<OpenAPIDocuments, Data>) throws -> Response {
        let documents: OpenAPIDocuments
        do {
            documents = try self.documents.get()
        } catch {
            throw ScimError.internalError(error.description)
        }
        return Response(
            status: .ok,
            headers: [.contentType: MediaType.json],
            body: .init(byteBuffer: ByteBuffer(data: documents[keyPath: document]))
        )
    }
}
