import Logging

/// The services' log handler: swift-log's `StreamLogHandler` output (same line format, standard error), with the
/// logger's metadata kept as a plain dictionary until a line is written.
///
/// `StreamLogHandler` renders its metadata to text every time a key is set. Every request sets several keys
/// (`request.id`, `tenant.id`, `idp.id`) and its access-log line carries metadata of its own, which makes the handler
/// render everything again, so that work was thrown away on every request; profiles put it at 2–5 % of the gateway.
/// Here metadata is merged into the event and rendered once, when a line is actually written.
package struct ServiceLogHandler: LogHandler {
    private var output: StreamLogHandler
    package var metadata: Logger.Metadata = [:]

    package init(label: String) {
        output = StreamLogHandler.standardError(label: label, metadataProvider: nil)
    }

    package var logLevel: Logger.Level {
        get { output.logLevel }
        set { output.logLevel = newValue }
    }

    package var metadataProvider: Logger.MetadataProvider? {
        get { output.metadataProvider }
        set { output.metadataProvider = newValue }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var event = event
        if let explicit = event.metadata, !explicit.isEmpty {
            event.metadata = metadata.merging(explicit) { _, explicit in explicit }
        } else {
            event.metadata = metadata
        }
        output.log(event: event)
    }
}
