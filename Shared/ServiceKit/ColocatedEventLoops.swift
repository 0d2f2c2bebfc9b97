import NIOCore

/// How many event loops each service runs when all of them share one machine (`provisio up`, the load tool's floor).
///
/// Each service runs everything on NIO's singleton event loop group: its HTTP server, its HTTP client and, through
/// the executor takeover in ``ServiceMain``, Swift Concurrency. NIO sizes that group to the machine's cores (its
/// `System.coreCount` reads the container's CPU quota too), which is right for a service with cores of its own — a
/// Kubernetes pod. On one machine the gateway and the directory each carry about half of every request, so each gets
/// half the cores: on two cores, one loop per service. Fewer loops than cores means fewer threads taking turns on
/// the same cores and no hops between loops inside a request, which lowers both the CPU per read and the tail
/// latency on a small machine.
package enum ColocatedEventLoops {
    /// NIO's own setting for the size of its singleton group, read once when the group is first used.
    package static let environmentVariable = "NIO_SINGLETON_GROUP_LOOP_COUNT"

    /// Half the cores, at least one.
    package static var count: Int { max(1, System.coreCount / 2) }

    /// `environment` for a colocated service's process: the loop count set, unless the operator already chose one.
    package static func environment(_ environment: [String: String]) -> [String: String] {
        var environment = environment
        if environment[environmentVariable]?.isEmpty ?? true {
            environment[environmentVariable] = String(count)
        }
        return environment
    }
}
