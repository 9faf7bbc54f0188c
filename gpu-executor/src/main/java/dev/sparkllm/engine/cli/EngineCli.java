package dev.sparkllm.engine.cli;

import dev.sparkllm.engine.cpu.Parallel;
import dev.sparkllm.engine.model.LoadedModel;
import dev.sparkllm.engine.model.ModelLoader;
import dev.sparkllm.engine.runtime.EngineOptions;
import dev.sparkllm.engine.runtime.GenerationRequest;
import dev.sparkllm.engine.runtime.GenerationResult;
import dev.sparkllm.engine.runtime.InferenceEngine;
import dev.sparkllm.engine.sampling.SamplingParams;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The engine's command line: {@code generate} (JSONL prompts in, JSONL results out) and
 * {@code tokenize}. Exit status 0 when the run completed (rows may still carry errors), 2 for
 * bad arguments, 1 when the model or files could not be used.
 */
public final class EngineCli {
    private static final Set<String> GENERATE_OPTIONS = Set.of("model", "input", "output", "max-tokens",
            "temperature", "top-p", "top-k", "min-p", "seed", "stop", "system", "threads", "batch", "max-context", "kv-mib", "logprobs");
    private static final Set<String> GENERATE_FLAGS = Set.of("chat", "no-chat", "ignore-eos", "no-parse-special");
    private static final String USAGE = """
            usage:
              generate --model PATH --input prompts.jsonl --output out.jsonl [--max-tokens N] [--temperature T]
                       [--top-p P] [--top-k K] [--min-p P] [--seed N] [--stop S]... [--chat|--no-chat]
                       [--system TEXT] [--threads N] [--batch N] [--max-context N] [--kv-mib N] [--ignore-eos]
                       [--no-parse-special] [--logprobs N]
              tokenize --model PATH (--text TEXT | --input texts.jsonl) [--special]
            """;

    private EngineCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.print(USAGE);
            return 2;
        }
        try {
            switch (args[0]) {
                case "generate" -> generate(new CliArgs(args, 1, GENERATE_OPTIONS, GENERATE_FLAGS), err);
                case "tokenize" -> TokenizeCommand.run(new CliArgs(args, 1, Set.of("model", "text", "input"), Set.of("special")), out);
                default -> throw new IllegalArgumentException("unknown command '" + args[0] + "'");
            }
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.print(USAGE);
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 1;
        }
    }

    private static void generate(CliArgs a, PrintStream log) throws IOException {
        if (a.has("chat") && a.has("no-chat")) throw new IllegalArgumentException("--chat and --no-chat exclude each other");
        SamplingParams defaults = new SamplingParams(a.intValue("max-tokens", 128), a.floatValue("temperature", 0f),
                a.intValue("top-k", 0), a.floatValue("top-p", 1f), a.floatValue("min-p", 0f),
                a.has("seed") ? Long.valueOf(a.require("seed")) : null, a.all("stop"), a.has("ignore-eos"),
                a.intValue("logprobs", SamplingParams.LOGPROBS_OFF));
        String invalid = defaults.validationError();
        if (invalid != null) throw new IllegalArgumentException(invalid);
        Boolean chat = a.has("chat") ? Boolean.TRUE : a.has("no-chat") ? Boolean.FALSE : null;
        int batch = a.intValue("batch", 64);
        Parallel.setThreads(a.intValue("threads", Runtime.getRuntime().availableProcessors()));
        EngineOptions options = new EngineOptions(batch, Math.max(512, batch), a.intValue("max-context", 4096));
        if (a.has("kv-mib")) options = options.withKvCacheBytes((long) a.intValue("kv-mib", 512) << 20);
        Path input = Path.of(a.require("input"));
        Path output = Path.of(a.require("output"));
        long started = System.nanoTime();
        RunTotals totals = new RunTotals();
        try (LoadedModel model = ModelLoader.load(Path.of(a.require("model")));
             InferenceEngine engine = InferenceEngine.cpu(model, options);
             BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8);
             BufferedWriter w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
            log.printf("model %s: %d layers, dim %d, vocab %d; %d threads%n", model.name(), model.config().layers(),
                    model.config().dim(), model.config().vocabSize(), Parallel.threads());
            List<JsonlRequests.Line> chunk = new ArrayList<>();
            String line;
            int lineNumber = 0;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                if (line.isBlank()) continue;
                chunk.add(JsonlRequests.parse(line, lineNumber, defaults, chat, a.get("system", null),
                        a.has("no-parse-special") ? Boolean.FALSE : null));
                if (chunk.size() == batch * 16) {
                    totals.add(runChunk(engine, chunk, w));
                    chunk.clear();
                }
            }
            totals.add(runChunk(engine, chunk, w));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        log.printf("%d rows (%d with errors), %d tokens generated in %.1f s (%.1f tokens/s) -> %s%n",
                totals.rows, totals.failed, totals.generatedTokens, seconds, totals.generatedTokens / seconds, output);
    }

    /** Counts for the closing log line. */
    private static final class RunTotals {
        int rows;
        int failed;
        long generatedTokens;

        void add(List<GenerationResult> results) {
            for (GenerationResult r : results) {
                rows++;
                if (!r.ok()) failed++;
                generatedTokens += r.completionTokens();
            }
        }
    }

    /** Generates for one chunk of lines and writes their results in input order. */
    private static List<GenerationResult> runChunk(InferenceEngine engine, List<JsonlRequests.Line> chunk,
                                                   BufferedWriter w) throws IOException {
        List<GenerationRequest> requests = new ArrayList<>();
        for (JsonlRequests.Line l : chunk) if (l.request() != null) requests.add(l.request());
        List<GenerationResult> generated = engine.generate(requests);
        List<GenerationResult> ordered = new ArrayList<>(chunk.size());
        int next = 0;
        for (JsonlRequests.Line l : chunk) {
            ordered.add(l.request() != null ? generated.get(next++) : GenerationResult.failed(l.id(), 0, l.error()));
        }
        for (GenerationResult r : ordered) {
            w.write(JsonlRequests.toJson(r));
            w.newLine();
        }
        w.flush();
        return ordered;
    }
}
