import Foundation
import Logging

/// Where the four service executables are: next to `provisio` itself (SwiftPM puts every product of a build
/// in one folder).
struct ServiceBinaries {
    static let names = ["TokenService", "DirectoryService", "MappingService", "ScimGateway"]
    var directory: URL

    func url(of name: String) -> URL { directory.appendingPathComponent(name) }

    static func locate() throws -> ServiceBinaries {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let candidates = [executable.deletingLastPathComponent(), Bundle.main.executableURL?.deletingLastPathComponent()].compactMap { $0 }
        for directory in candidates
        where names.allSatisfy({ FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent($0).path) }) {
            return ServiceBinaries(directory: directory)
        }
        throw ExitError(
            message:
                "The service executables (\(names.joined(separator: ", "))) are not next to provisio. Run `swift run provisio up`, which builds them."
        )
    }
}
