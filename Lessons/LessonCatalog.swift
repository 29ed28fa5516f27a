import DSDC

/// The lessons in the order they are taught.
public enum LessonCatalog {
  /// Every lesson, by number.
  public static var all: [Lesson.Type] {
    [
      Lesson01MNIST.self, Lesson02Standard.self, Lesson03Depthwise.self, Lesson04Pointwise.self, Lesson05Separable.self,
      Lesson06Dilated.self, Lesson07DSDC.self,
      Lesson08Training.self, Lesson09Compare.self, Lesson10FineTuning.self,
    ]
  }
}
