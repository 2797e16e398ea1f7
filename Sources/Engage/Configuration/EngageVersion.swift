/// The application's version, shown by `engage version` and `/healthz`.
public enum EngageVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}
