import Hummingbird
import ScimCore
import ServiceKit

/// A list request as the gateway sends it: the client's ``SearchRequest`` whole, in the URL query
/// (`GET …/users?filter=…`, ``SearchRequest/rawQuery``) or, when that would make too long a URL, as a SCIM `.search`
/// body (`POST …/users/search`); read here by the parsers that read the client's request at the gateway.
enum SearchRequestDecoding {
    static func search(from request: Request, context: ServiceRequestContext) async throws -> SearchRequest {
        guard request.method == .get else { return try SearchRequest(searchBody: try await JSONCoding.jsonValue(of: request, context: context)) }
        return try SearchRequest(rawQuery: request.uri.query)
    }
}
