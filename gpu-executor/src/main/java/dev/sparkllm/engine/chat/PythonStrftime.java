package dev.sparkllm.engine.chat;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.Locale;

/**
 * Python's {@code datetime.strftime} in the C locale, for templates that stamp today's date into the
 * system prompt ({@code strftime_now("%d %b %Y")} in Llama 3.x). Text without {@code %} is literal,
 * as in Python (jinjava's formatter would read it as a Java pattern).
 */
final class PythonStrftime {

    private PythonStrftime() {
    }

    static String format(ZonedDateTime t, String format) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 >= format.length()) {
                out.append(c);
                continue;
            }
            char code = format.charAt(++i);
            boolean noPad = false;
            if (code == '-' && i + 1 < format.length()) { // glibc extension: %-d drops the zero padding
                noPad = true;
                code = format.charAt(++i);
            }
            out.append(field(t, code, noPad));
        }
        return out.toString();
    }

    private static String field(ZonedDateTime t, char code, boolean noPad) {
        return switch (code) {
            case 'a' -> t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'A' -> t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'b', 'h' -> t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'B' -> t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH);
            case 'd' -> pad(t.getDayOfMonth(), 2, noPad);
            case 'e' -> String.format("%2d", t.getDayOfMonth());
            case 'H' -> pad(t.getHour(), 2, noPad);
            case 'I' -> pad(t.getHour() % 12 == 0 ? 12 : t.getHour() % 12, 2, noPad);
            case 'j' -> pad(t.getDayOfYear(), 3, noPad);
            case 'm' -> pad(t.getMonthValue(), 2, noPad);
            case 'M' -> pad(t.getMinute(), 2, noPad);
            case 'S' -> pad(t.getSecond(), 2, noPad);
            case 'f' -> pad(t.getNano() / 1000, 6, false);
            case 'p' -> t.getHour() < 12 ? "AM" : "PM";
            case 'y' -> pad(t.getYear() % 100, 2, noPad);
            case 'Y' -> Integer.toString(t.getYear());
            case 'w' -> Integer.toString(t.getDayOfWeek().getValue() % 7);
            case 'u' -> Integer.toString(t.getDayOfWeek().getValue());
            case 'z' -> t.getOffset().getId().equals("Z") ? "+0000" : t.getOffset().getId().replace(":", "");
            case 'Z' -> t.getZone().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
            case 'F' -> t.getYear() + "-" + pad(t.getMonthValue(), 2, false) + "-" + pad(t.getDayOfMonth(), 2, false);
            case 'T' -> pad(t.getHour(), 2, false) + ":" + pad(t.getMinute(), 2, false) + ":" + pad(t.getSecond(), 2, false);
            case '%' -> "%";
            default -> "%" + code; // CPython passes unknown codes through on glibc
        };
    }

    private static String pad(int value, int width, boolean noPad) {
        String s = Integer.toString(value);
        return noPad || s.length() >= width ? s : "0".repeat(width - s.length()) + s;
    }
}
