package dev.sparkllm.engine.format;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the safetensors header parser. In a normal test run (regression mode) it replays the seeds
 * in src/test/resources/.../SafetensorsFileFuzzTestInputs/parseHeader/; ci/fuzz.sh runs it as a
 * real fuzzer. See {@link ParserContract} for what counts as a bug.
 */
class SafetensorsFileFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void parseHeader(byte[] file) {
        try {
            ParserContract.checkSafetensors(file);
        } catch (ModelFormatException rejected) {
            // the one allowed failure
        }
    }
}
