/** The inference engine: model formats, tokenizer, chat templates, sampling, backends, Arrow I/O. */
package dev.sparkllm.engine;
