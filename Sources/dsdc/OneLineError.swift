import DSDC

/// An error whose description is already the one line the tool prints for it: what
/// went wrong, naming the file, folder or flag at fault, and the fix (`— HINT: …`).
/// `DSDCCommand.main` prints such an error as it is; any other error (ArgumentParser's
/// refusals of the command line, the system's) is cut to its first line and pointed
/// at the command's `--help`.
protocol OneLineError: Error, CustomStringConvertible {}

// The library's errors, one enum per area; each case's description names the
// problem and its fix. A new one belongs here (`OneLineErrorTests` checks it is).
extension CheckpointError: OneLineError {}
extension ComparisonStoreError: OneLineError {}
extension DataLocationError: OneLineError {}
extension ExploreError: OneLineError {}
extension FineTuningError: OneLineError {}
extension FolderLockError: OneLineError {}
extension LessonError: OneLineError {}
extension LessonRecordError: OneLineError {}
extension MNISTError: OneLineError {}
extension ModelError: OneLineError {}
extension OutputFolderError: OneLineError {}
extension PNGError: OneLineError {}
extension ReportError: OneLineError {}
extension StepLogError: OneLineError {}
extension TrainingError: OneLineError {}
