import Crypto
import Foundation

/// A file received in chunks and written straight to disk. What the PDF store judges a file by
/// (size, digest, first and last bytes) is gathered on the way, so an upload is never held in memory.
public final class FileReceiver {
    private let path: String
    private let handle: FileHandle
    private var hasher = SHA256()
    private var size = 0
    private var head = Data()
    private var tail = Data()

    // Enough to see "%PDF-" at the start and "%%EOF" near the end.
    private static let headBytes = 8
    private static let tailBytes = 1024

    /// A new, empty file in `directory` (created if needed), readable by its owner only.
    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = URL(fileURLWithPath: directory).appendingPathComponent(UUID().uuidString + ".part").path
        guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    /// Appends `bytes` to the file.
    public func write(_ bytes: some Collection<UInt8>) throws {
        let data = Data(bytes)
        try handle.write(contentsOf: data)
        hasher.update(data: data)
        size += data.count
        if head.count < Self.headBytes { head.append(data.prefix(Self.headBytes - head.count)) }
        tail.append(data.suffix(Self.tailBytes))
        if tail.count > Self.tailBytes { tail = Data(tail.suffix(Self.tailBytes)) }
    }

    /// Closes the file and describes it, under the name the sender gave.
    public func finish(filename: String) throws -> ReceivedFile {
        try handle.close()
        return ReceivedFile(filename: filename, path: path, size: size, sha256: hasher.finalize().hexString, head: head, tail: tail)
    }

    /// Closes and deletes the file (a refused or broken upload).
    public func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A received file waiting on disk until it is stored or discarded.
public struct ReceivedFile: Sendable, Equatable {
    /// The name the sender gave (untrusted).
    public let filename: String
    public let path: String
    public let size: Int
    /// SHA-256 of the content, in hex.
    public let sha256: String
    let head: Data
    let tail: Data

    /// Deletes the file; nothing happens once it has been stored (moved away).
    public func discard() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
