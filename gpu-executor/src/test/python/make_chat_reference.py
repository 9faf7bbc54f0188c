#!/usr/bin/env python3
"""Renders chat_templates.TEMPLATES over a fixed set of conversations exactly the way transformers'
`apply_chat_template` does, and writes the results to
gpu-executor/src/test/resources/chat-reference/templates.json for ChatTemplateReferenceTest
(the Java renderer must reproduce every output byte for byte, and fail where Python fails).

transformers (utils/chat_template_utils.py) renders with:
    ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                  extensions=[AssistantTracker, jinja2.ext.loopcontrols])
    filters["tojson"] = json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)
    globals: raise_exception (TemplateError), strftime_now, dict, namespace
    variables: messages (None-valued keys dropped), tools, documents, add_generation_prompt,
               bos_token/eos_token/... from the tokenizer's special tokens map.
This script builds the same environment itself, and, when transformers is installed, also checks that
transformers' own renderer agrees on every case.

Usage:  pip install jinja2 transformers gguf
        python3 gpu-executor/src/test/python/make_chat_reference.py
"""
import json
import os
import sys
from datetime import datetime

import jinja2
from jinja2.ext import loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from chat_templates import TEMPLATES, SMOLLM2  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "chat-reference", "templates.json")
SMOLLM2_GGUF = os.path.expanduser("~/.cache/sparkllm/models/SmolLM2-135M-Instruct.Q4_1.gguf")

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name, e.g. Paris"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
        },
    },
}

CONVERSATIONS = {
    "single_user": {"messages": [{"role": "user", "content": "Hello!"}]},
    "system_user": {"messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "What is 2+2?"},
    ]},
    "multi_turn": {"messages": [
        {"role": "system", "content": "You are a concise assistant."},
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello! How can I help?"},
        {"role": "user", "content": "Tell me a joke, please."},
    ]},
    "no_system_multi": {"messages": [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "  Hello there!  "},
        {"role": "user", "content": "  What's up?\n"},
    ]},
    "unicode": {"messages": [
        {"role": "system", "content": "Réponds en français, s'il te plaît."},
        {"role": "user", "content": "Grüße aus München! 你好，世界 🌍 — «quotes» \"double\" 'single' \\ backslash"},
        {"role": "assistant", "content": "Ответ: ✓ ñ"},
        {"role": "user", "content": "Tab\there\nnewline <|im_start|> {{ not_a_var }} {% if %} done"},
    ]},
    "unicode_no_system": {"messages": [
        {"role": "user", "content": "Grüße aus München! 你好，世界 🌍 — «quotes» \"double\" 'single' \\ backslash"},
        {"role": "assistant", "content": "Ответ: ✓ ñ"},
        {"role": "user", "content": "Tab\there\nnewline <|im_start|> {{ not_a_var }} {% if %} done"},
    ]},
    "broken_alternation": {"messages": [
        {"role": "user", "content": "one"},
        {"role": "user", "content": "two"},
    ]},
    "tools_call": {"tools": [WEATHER_TOOL], "messages": [
        {"role": "system", "content": "You can look up the weather."},
        {"role": "user", "content": "What's the weather in Paris?"},
        {"role": "assistant", "content": None, "tool_calls": [{
            "id": "call12345", "type": "function",
            "function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}}]},
        {"role": "tool", "tool_call_id": "call12345", "name": "get_weather",
         "content": "{\"temperature\": 18.5, \"sky\": \"clear\"}"},
        {"role": "assistant", "content": "It is 18.5 °C and clear in Paris."},
        {"role": "user", "content": "Thanks!"},
    ]},
    "tools_only": {"tools": [WEATHER_TOOL], "messages": [
        {"role": "system", "content": "You can look up the weather."},
        {"role": "user", "content": "Weather in Oslo?"},
    ]},
}


def transformers_environment():
    """The jinja2 environment of transformers' _cached_compile_jinja_template, minus the generation tracker."""
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return datetime.now().strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def normalize(messages):
    """transformers drops None-valued keys before rendering (_normalize_chat_messages)."""
    return [{k: v for k, v in m.items() if v is not None} for m in messages]


def render(env, source, bos, eos, conversation, add_generation_prompt):
    template = env.from_string(source)
    try:
        return {"output": template.render(
            messages=normalize(conversation["messages"]), tools=conversation.get("tools"), documents=None,
            add_generation_prompt=add_generation_prompt, bos_token=bos, eos_token=eos)}
    except jinja2.exceptions.TemplateError as e:
        return {"error": str(e)}


def render_with_transformers(source, bos, eos, conversation, add_generation_prompt):
    from transformers.utils.chat_template_utils import render_jinja_template
    try:
        rendered, _ = render_jinja_template(
            conversations=[normalize(conversation["messages"])], tools=conversation.get("tools"),
            chat_template=source, add_generation_prompt=add_generation_prompt, bos_token=bos, eos_token=eos)
        return {"output": rendered[0]}
    except jinja2.exceptions.TemplateError as e:
        return {"error": str(e)}


def smollm2_template_from_gguf():
    if not os.path.exists(SMOLLM2_GGUF):
        return None
    try:
        from gguf import GGUFReader
    except ImportError:
        return None
    field = GGUFReader(SMOLLM2_GGUF).fields["tokenizer.chat_template"]
    return bytes(field.parts[field.data[0]]).decode("utf-8")


def main():
    from_gguf = smollm2_template_from_gguf()
    if from_gguf is not None and from_gguf != SMOLLM2:
        sys.exit("SmolLM2's template in the GGUF file differs from chat_templates.SMOLLM2; update it")
    try:
        import transformers
        transformers_version = transformers.__version__
    except ImportError:
        transformers_version = None

    env = transformers_environment()
    templates, cases, disagreements = [], [], 0
    for name, (source, bos, eos, conversation_names) in TEMPLATES.items():
        templates.append({"name": name, "source": source, "bos_token": bos, "eos_token": eos})
        for conv_name in conversation_names:
            for agp in (True, False):
                result = render(env, source, bos, eos, CONVERSATIONS[conv_name], agp)
                if transformers_version is not None:
                    theirs = render_with_transformers(source, bos, eos, CONVERSATIONS[conv_name], agp)
                    if theirs != result:
                        disagreements += 1
                        print(f"transformers disagrees on {name}/{conv_name}/{agp}: {theirs!r} vs {result!r}")
                cases.append({"template": name, "conversation": conv_name, "add_generation_prompt": agp, **result})

    fixture = {
        "generated_by": "gpu-executor/src/test/python/make_chat_reference.py",
        "jinja2_version": jinja2.__version__,
        "transformers_version": transformers_version,
        "smollm2_template_checked_against_gguf": from_gguf is not None,
        "templates": templates,
        "conversations": CONVERSATIONS,
        "cases": cases,
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(fixture, f, ensure_ascii=False, indent=1)
        f.write("\n")
    errors = sum(1 for c in cases if "error" in c)
    print(f"wrote {len(cases)} cases ({errors} expected errors) for {len(templates)} templates to {os.path.normpath(OUT)}")
    if disagreements:
        sys.exit(f"{disagreements} cases differ from transformers' own renderer")


if __name__ == "__main__":
    main()
