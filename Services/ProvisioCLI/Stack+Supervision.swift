import Foundation

/// Supervision: a service that dies is noted (on provisio up's stderr and in the service's own log) and started
/// again on the same port after ``RestartPolicy``'s backoff; the stack stops only when one service keeps dying.
extension Stack {
    /// Runs until a signal arrives or a service has died more often than `policy` allows.
    func supervise(_ signals: SignalWatcher, policy: RestartPolicy) async -> StopReason {
        while true {
            if signals.signalReceived != 0 { return .signal }
            let now = ContinuousClock.now
            for index in members.indices {
                if let due = members[index].restartAt {
                    if now >= due, let failure = restart(index) { return failure }
                    continue
                }
                guard !members[index].process.isRunning else { continue }
                let name = members[index].name
                let exit = Self.describeExit(of: members[index].process)
                let restarts = members[index].restarts.count(within: policy.window, now: now)
                guard let delay = policy.delay(afterRestarts: restarts) else {
                    note(
                        "\(name) \(exit) after \(restarts) restarts within \(Self.seconds(policy.window)); not restarting it: stopping the stack",
                        service: name
                    )
                    return .gaveUp(name: name, exit: exit, restarts: restarts)
                }
                members[index].restarts.record(now)
                members[index].restartAt = now + .milliseconds(Int64(delay * 1000))
                note(
                    "\(name) \(exit); restarting it in \(Self.seconds(delay)) (restart \(restarts + 1) of at most \(policy.maximumRestarts) within \(Self.seconds(policy.window)))",
                    service: name
                )
            }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Starts member `index` again with its environment (its port, its database); a failure to launch stops the stack.
    private func restart(_ index: Int) -> StopReason? {
        let member = members[index]
        members[index].restartAt = nil
        do {
            let process = try Self.makeProcess(
                name: member.name,
                executable: member.executable,
                environment: member.environment,
                dataDirectory: dataDirectory,
                logDirectory: logDirectory
            )
            try process.run()
            members[index].process = process
            note("\(member.name) restarted (pid \(process.processIdentifier), port \(member.port))", service: member.name)
            return nil
        } catch {
            note("\(member.name) could not be started again: \(error)", service: member.name)
            return .gaveUp(name: member.name, exit: "could not be started again (\(error))", restarts: 0)
        }
    }

    /// "was killed by signal 9" or "exited with status 1".
    static func describeExit(of process: Process) -> String {
        switch process.terminationReason {
        case .uncaughtSignal: "was killed by signal \(process.terminationStatus)"
        case .exit: "exited with status \(process.terminationStatus)"
        @unknown default: "stopped (\(process.terminationStatus))"
        }
    }

    /// One line on provisio up's stderr and in the service's log, with the time.
    func note(_ message: String, service: String) {
        let line = "\(Date().formatted(.iso8601)) provisio up: \(message)\n"
        FileHandle.standardError.write(Data(line.utf8))
        if let handle = try? Self.appendingHandle(logDirectory.appendingPathComponent("\(service).log")) {
            handle.write(Data(line.utf8))
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
