package dev.a64patch.core.failure;

/**
 * A setting has a value the engine cannot work with ({@link FailureKind#USAGE}). The reason does
 * not name the setting ("must be positive, was 0"); the front end puts its own name for {@link
 * #setting()} in front.
 */
public final class SettingException extends A64PatchException {
  private static final long serialVersionUID = 1L;

  private final Setting setting;

  public SettingException(Setting setting, String reason) {
    super(FailureKind.USAGE, null, reason, null);
    this.setting = setting;
  }

  public Setting setting() {
    return setting;
  }
}
