package dev.sparkllm.engine.format;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the GGUF header parser. In a normal test run (regression mode) it replays the seeds in
 * src/test/resources/.../GgufFileFuzzTestInputs/parseHeader/ and any crash files saved there;
 * ci/fuzz.sh runs it as a real fuzzer. See {@link ParserContract} for what counts as a bug.
 */
class GgufFileFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parseHeader(byte[] file) {
        try {
            ParserContract.checkGguf(file);
        } catch (ModelFormatException rejected) {
            // the one allowed failure
        }
    }
}
