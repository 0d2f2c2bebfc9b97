import Hummingbird
import InternalAPI
import ServiceKit

/// A list request as the gateway sends it: in the URL query (`GET …/users?filter=…`, ``DirectorySearch/queryItems``)
/// or, when that would make too long a URL, as a JSON body (`POST …/users/search`).
enum SearchRequestDecoding {
    static func search(from request: Request, context: ServiceRequestContext) async throws -> DirectorySearch {
        guard request.method == .get else { return try await JSONCoding.decode(DirectorySearch.self, from: request, context: context) }
        let parameters = request.uri.queryParameters
        return try DirectorySearch { name in parameters[name[...]].map(String.init) }
    }
}
