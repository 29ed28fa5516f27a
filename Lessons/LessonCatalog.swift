import DSDC

/// The lessons in the order they are taught.
public enum LessonCatalog {
  /// Every lesson, by number.
  public static var all: [Lesson.Type] {
    [Lesson01MNIST.self]
  }
}
