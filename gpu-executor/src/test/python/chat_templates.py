"""Chat templates of well-known public models, as published in their tokenizer_config.json
(`chat_template`), used as reference inputs for ChatTemplateReferenceTest.

Each entry: name -> (template source, bos_token, eos_token, conversation names to render).
Kept verbatim: whitespace and escapes inside the Jinja source matter for byte-exact output.
"""

CHATML = (
    "{% for message in messages %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

# HuggingFaceTB/SmolLM2-135M-Instruct (also read from the GGUF file when it is present).
SMOLLM2 = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# meta-llama/Llama-2-7b-chat-hf
LLAMA2_CHAT = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
    "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if loop.index0 == 0 and system_message != false %}"
    "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}"
    "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
    "{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"
)

# meta-llama/Meta-Llama-3-8B-Instruct
LLAMA3_INSTRUCT = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}"
    "{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
)

# meta-llama/Llama-3.1-8B-Instruct
LLAMA31_INSTRUCT = r'''{{- bos_token }}
{%- if custom_tools is defined %}
    {%- set tools = custom_tools %}
{%- endif %}
{%- if not tools_in_user_message is defined %}
    {%- set tools_in_user_message = true %}
{%- endif %}
{%- if not date_string is defined %}
    {%- set date_string = "26 Jul 2024" %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}

{#- This block extracts the system message, so we can slot it into the right place. #}
{%- if messages[0]['role'] == 'system' %}
    {%- set system_message = messages[0]['content']|trim %}
    {%- set messages = messages[1:] %}
{%- else %}
    {%- set system_message = "" %}
{%- endif %}

{#- System message + builtin tools #}
{{- "<|start_header_id|>system<|end_header_id|>\n\n" }}
{%- if builtin_tools is defined or tools is not none %}
    {{- "Environment: ipython\n" }}
{%- endif %}
{%- if builtin_tools is defined %}
    {{- "Tools: " + builtin_tools | reject('equalto', 'code_interpreter') | join(", ") + "\n\n"}}
{%- endif %}
{{- "Cutting Knowledge Date: December 2023\n" }}
{{- "Today Date: " + date_string + "\n\n" }}
{%- if tools is not none and not tools_in_user_message %}
    {{- "You have access to the following functions. To call a function, please respond with JSON for a function call." }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\n\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\n\n" }}
    {%- endfor %}
{%- endif %}
{{- system_message }}
{{- "<|eot_id|>" }}

{#- Custom tools are passed in a user message with some extra guidance #}
{%- if tools_in_user_message and not tools is none %}
    {#- Extract the first user message so we can plug it in here #}
    {%- if messages | length != 0 %}
        {%- set first_user_message = messages[0]['content']|trim %}
        {%- set messages = messages[1:] %}
    {%- else %}
        {{- raise_exception("Cannot put tools in the first user message when there's no first user message!") }}
{%- endif %}
    {{- '<|start_header_id|>user<|end_header_id|>\n\n' -}}
    {{- "Given the following functions, please respond with a JSON for a function call " }}
    {{- "with its proper arguments that best answers the given prompt.\n\n" }}
    {{- 'Respond in the format {"name": function name, "parameters": dictionary of argument name and its value}.' }}
    {{- "Do not use variables.\n\n" }}
    {%- for t in tools %}
        {{- t | tojson(indent=4) }}
        {{- "\n\n" }}
    {%- endfor %}
    {{- first_user_message + "<|eot_id|>"}}
{%- endif %}

{%- for message in messages %}
    {%- if not (message.role == 'ipython' or message.role == 'tool' or 'tool_calls' in message) %}
        {{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' }}
    {%- elif 'tool_calls' in message %}
        {%- if not message.tool_calls|length == 1 %}
            {{- raise_exception("This model only supports single tool-calls at once!") }}
        {%- endif %}
        {%- set tool_call = message.tool_calls[0].function %}
        {%- if builtin_tools is defined and tool_call.name in builtin_tools %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}
            {{- "<|python_tag|>" + tool_call.name + ".call(" }}
            {%- for arg_name, arg_val in tool_call.arguments | items %}
                {{- arg_name + '="' + arg_val + '"' }}
                {%- if not loop.last %}
                    {{- ", " }}
                {%- endif %}
                {%- endfor %}
            {{- ")" }}
        {%- else  %}
            {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}
            {{- '{"name": "' + tool_call.name + '", ' }}
            {{- '"parameters": ' }}
            {{- tool_call.arguments | tojson }}
            {{- "}" }}
        {%- endif %}
        {%- if builtin_tools is defined %}
            {#- This means we're in ipython mode #}
            {{- "<|eom_id|>" }}
        {%- else %}
            {{- "<|eot_id|>" }}
        {%- endif %}
    {%- elif message.role == "tool" or message.role == "ipython" %}
        {{- "<|start_header_id|>ipython<|end_header_id|>\n\n" }}
        {%- if message.content is mapping or message.content is iterable %}
            {{- message.content | tojson }}
        {%- else %}
            {{- message.content }}
        {%- endif %}
        {{- "<|eot_id|>" }}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|start_header_id|>assistant<|end_header_id|>\n\n' }}
{%- endif %}
'''

# mistralai/Mistral-7B-Instruct-v0.1
MISTRAL_V01 = (
    "{{ bos_token }}{% for message in messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}"
    "{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token + ' ' }}"
    "{% else %}{{ raise_exception('Only user and assistant roles are supported!') }}{% endif %}{% endfor %}"
)

# mistralai/Mistral-7B-Instruct-v0.3
MISTRAL_V03 = r'''{%- if messages[0]["role"] == "system" %}
    {%- set system_message = messages[0]["content"] %}
    {%- set loop_messages = messages[1:] %}
{%- else %}
    {%- set loop_messages = messages %}
{%- endif %}
{%- if not tools is defined %}
    {%- set tools = none %}
{%- endif %}
{%- set user_messages = loop_messages | selectattr("role", "equalto", "user") | list %}

{#- This block checks for alternating user/assistant messages, skipping tool calling messages #}
{%- set ns = namespace() %}
{%- set ns.index = 0 %}
{%- for message in loop_messages %}
    {%- if not (message.role == "tool" or message.role == "tool_results" or (message.tool_calls is defined and message.tool_calls is not none)) %}
        {%- if (message["role"] == "user") != (ns.index % 2 == 0) %}
            {{- raise_exception("After the optional system message, conversation roles must alternate user/assistant/user/assistant/...") }}
        {%- endif %}
        {%- set ns.index = ns.index + 1 %}
    {%- endif %}
{%- endfor %}

{{- bos_token }}
{%- for message in loop_messages %}
    {%- if message["role"] == "user" %}
        {%- if tools is not none and (message == user_messages[-1]) %}
            {{- "[AVAILABLE_TOOLS] [" }}
            {%- for tool in tools %}
                {%- set tool = tool.function %}
                {{- '{"type": "function", "function": {' }}
                {%- for key, val in tool.items() if key != "return" %}
                    {%- if val is string %}
                        {{- '"' + key + '": "' + val + '"' }}
                    {%- else %}
                        {{- '"' + key + '": ' + val|tojson }}
                    {%- endif %}
                    {%- if not loop.last %}
                        {{- ", " }}
                    {%- endif %}
                {%- endfor %}
                {{- "}}" }}
                {%- if not loop.last %}
                    {{- ", " }}
                {%- else %}
                    {{- "]" }}
                {%- endif %}
            {%- endfor %}
            {{- "[/AVAILABLE_TOOLS]" }}
            {%- endif %}
        {%- if loop.last and system_message is defined %}
            {{- "[INST] " + system_message + "\n\n" + message["content"] + "[/INST]" }}
        {%- else %}
            {{- "[INST] " + message["content"] + "[/INST]" }}
        {%- endif %}
    {%- elif message.tool_calls is defined and message.tool_calls is not none %}
        {{- "[TOOL_CALLS] [" }}
        {%- for tool_call in message.tool_calls %}
            {%- set out = tool_call.function|tojson %}
            {{- out[:-1] }}
            {%- if not tool_call.id is defined or tool_call.id|length != 9 %}
                {{- raise_exception("Tool call IDs should be alphanumeric strings with length 9!") }}
            {%- endif %}
            {{- ', "id": "' + tool_call.id + '"}' }}
            {%- if not loop.last %}
                {{- ", " }}
            {%- else %}
                {{- "]" + eos_token }}
            {%- endif %}
        {%- endfor %}
    {%- elif message["role"] == "assistant" %}
        {{- " " + message["content"]|trim + eos_token}}
    {%- elif message["role"] == "tool_results" or message["role"] == "tool" %}
        {%- if message.content is defined and message.content.content is defined %}
            {%- set content = message.content.content %}
        {%- else %}
            {%- set content = message.content %}
        {%- endif %}
        {{- '[TOOL_RESULTS] {"content": ' + content|string + ", " }}
        {%- if not message.tool_call_id is defined or message.tool_call_id|length != 9 %}
            {{- raise_exception("Tool call IDs should be alphanumeric strings with length 9!") }}
        {%- endif %}
        {{- '"call_id": "' + message.tool_call_id + '"}[/TOOL_RESULTS]' }}
    {%- else %}
        {{- raise_exception("Only user and assistant roles are supported, with the exception of an initial optional system message!") }}
    {%- endif %}
{%- endfor %}
'''

# Qwen/Qwen2-7B-Instruct
QWEN2_INSTRUCT = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}"
    "{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)

# Qwen/Qwen2.5-7B-Instruct
QWEN25_INSTRUCT = r'''{%- if tools %}
    {{- '<|im_start|>system\n' }}
    {%- if messages[0]['role'] == 'system' %}
        {{- messages[0]['content'] }}
    {%- else %}
        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}
    {%- endif %}
    {{- "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}
    {%- for tool in tools %}
        {{- "\n" }}
        {{- tool | tojson }}
    {%- endfor %}
    {{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}
{%- else %}
    {%- if messages[0]['role'] == 'system' %}
        {{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}
    {%- else %}
        {{- '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' }}
    {%- endif %}
{%- endif %}
{%- for message in messages %}
    {%- if (message.role == "user") or (message.role == "system" and not loop.first) or (message.role == "assistant" and not message.tool_calls) %}
        {{- '<|im_start|>' + message.role + '\n' + message.content + '<|im_end|>' + '\n' }}
    {%- elif message.role == "assistant" %}
        {{- '<|im_start|>' + message.role }}
        {%- if message.content %}
            {{- '\n' + message.content }}
        {%- endif %}
        {%- for tool_call in message.tool_calls %}
            {%- if tool_call.function is defined %}
                {%- set tool_call = tool_call.function %}
            {%- endif %}
            {{- '\n<tool_call>\n{"name": "' }}
            {{- tool_call.name }}
            {{- '", "arguments": ' }}
            {{- tool_call.arguments | tojson }}
            {{- '}\n</tool_call>' }}
        {%- endfor %}
        {{- '<|im_end|>\n' }}
    {%- elif message.role == "tool" %}
        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != "tool") %}
            {{- '<|im_start|>user' }}
        {%- endif %}
        {{- '\n<tool_response>\n' }}
        {{- message.content }}
        {{- '\n</tool_response>' }}
        {%- if loop.last or (messages[loop.index0 + 1].role != "tool") %}
            {{- '<|im_end|>\n' }}
        {%- endif %}
    {%- endif %}
{%- endfor %}
{%- if add_generation_prompt %}
    {{- '<|im_start|>assistant\n' }}
{%- endif %}
'''

# HuggingFaceH4/zephyr-7b-beta
ZEPHYR = (
    "{% for message in messages %}\n{% if message['role'] == 'user' %}\n"
    "{{ '<|user|>\\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n"
    "{{ '<|system|>\\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n"
    "{{ '<|assistant|>\\n'  + message['content'] + eos_token }}\n{% endif %}\n"
    "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}"
)

# google/gemma-2-2b-it
GEMMA = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}"
    "{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}"
    "{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}"
)

# deepseek-ai/deepseek-coder-6.7b-instruct (namespace(), `not x is defined`, {%- -%})
DEEPSEEK_CODER = (
    "{% if not add_generation_prompt is defined %}\n{% set add_generation_prompt = false %}\n{% endif %}\n"
    "{%- set ns = namespace(found=false) -%}\n{%- for message in messages -%}\n"
    "    {%- if message['role'] == 'system' -%}\n        {%- set ns.found = true -%}\n    {%- endif -%}\n"
    "{%- endfor -%}\n{{bos_token}}{%- if not ns.found -%}\n"
    "{{'You are an AI programming assistant, utilizing the Deepseek Coder model, developed by Deepseek Company, "
    "and you only answer questions related to computer science. For politically sensitive questions, security and "
    "privacy issues, and other non-computer science questions, you will refuse to answer\\n'}}\n{%- endif %}\n"
    "{%- for message in messages %}\n    {%- if message['role'] == 'system' %}\n{{ message['content'] }}\n"
    "    {%- else %}\n        {%- if message['role'] == 'user' %}\n"
    "{{'### Instruction:\\n' + message['content'] + '\\n'}}\n        {%- else %}\n"
    "{{'### Response:\\n' + message['content'] + '\\n<|EOT|>\\n'}}\n        {%- endif %}\n    {%- endif %}\n"
    "{%- endfor %}\n{% if add_generation_prompt %}\n{{'### Response:'}}\n{% endif %}"
)

# openchat/openchat-3.5-0106 (str.title())
OPENCHAT = (
    "{{ bos_token }}{% for message in messages %}{{ 'GPT4 Correct ' + message['role'].title() + ': ' + "
    "message['content'] + '<|end_of_turn|>'}}{% endfor %}{% if add_generation_prompt %}"
    "{{ 'GPT4 Correct Assistant:' }}{% endif %}"
)

# CohereForAI/c4ai-command-r-v01 (default template; str.strip())
COMMAND_R = (
    "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% elif false == true %}{% set loop_messages = messages %}"
    "{% set system_message = 'You are Command-R, a brilliant, sophisticated, AI-assistant trained to assist human "
    "users by providing thorough responses. You are trained by Cohere.' %}{% else %}{% set loop_messages = messages %}"
    "{% set system_message = false %}{% endif %}{% if system_message != false %}"
    "{{ '<|START_OF_TURN_TOKEN|><|SYSTEM_TOKEN|>' + system_message + '<|END_OF_TURN_TOKEN|>' }}{% endif %}"
    "{% for message in loop_messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}"
    "{% set content = message['content'] %}{% if message['role'] == 'user' %}"
    "{{ '<|START_OF_TURN_TOKEN|><|USER_TOKEN|>' + content.strip() + '<|END_OF_TURN_TOKEN|>' }}"
    "{% elif message['role'] == 'assistant' %}"
    "{{ '<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>'  + content.strip() + '<|END_OF_TURN_TOKEN|>' }}{% endif %}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|START_OF_TURN_TOKEN|><|CHATBOT_TOKEN|>' }}{% endif %}"
)

# microsoft/Phi-3-mini-4k-instruct
PHI3_MINI = (
    "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'system') %}"
    "{{'<|system|>' + '\n' + message['content'] + '<|end|>' + '\n'}}{% elif (message['role'] == 'user') %}"
    "{{'<|user|>' + '\n' + message['content'] + '<|end|>' + '\n' + '<|assistant|>' + '\n'}}"
    "{% elif message['role'] == 'assistant' %}{{message['content'] + '<|end|>' + '\n'}}{% endif %}{% endfor %}"
)

# Not a model's template: exercises the Python-isms real templates rely on, in one place.
PYTHON_ISMS = r'''{#- python-isms used by real chat templates -#}
{%- set ns = namespace(count=0, last_user='') -%}
{%- for m in messages if m.role != 'system' -%}
  {%- set ns.count = ns.count + 1 -%}
  {%- if m['role'] == 'user' %}{% set ns.last_user = m.content %}{% endif -%}
{%- endfor -%}
count={{ ns.count }} last={{ ns.last_user.strip()|tojson }}
{% for m in messages %}
{{ loop.index0 }}/{{ loop.length }}{% if loop.first %} first{% endif %}{% if loop.last %} last{% endif %}: {{ m.role.upper() }} {{ m.role.title() }} {{ m['role'][0] }}{{ m['role'][-1] }}
  starts={{ m.content.startswith('Hello') }} ends={{ m.content.endswith(('?', '!')) }} words={{ m.content.split()|length }} parts={{ m.content.split(',') }}
  stripped=[{{ m.content.strip() }}] lstrip=[{{ m.content.lstrip() }}] rstrip=[{{ m.content.rstrip() }}] trim=[{{ m.content|trim }}]
  lower={{ m.content.lower() }} replaced={{ m.content.replace(' ', '_') }} get={{ m.get('name', 'anon') }} has_name={{ 'name' in m }}
  {%- if m.content is string and m.content | length > 10 %} long{% endif %}
  slice=[{{ m.content[:5] }}|{{ m.content[-3:] }}] len={{ m.content|length }} title={{ m.content|title }} cap={{ m.content|capitalize }}
{% endfor %}
{%- for key, value in messages[0].items() %}
{{ key }}={{ value|tojson }}{% if not loop.last %},{% endif %}
{%- endfor %}
rest={{ messages[1:]|map(attribute='role')|join(',') }} roles={{ messages|map(attribute='role')|list }}
json={{ messages[0]|tojson(indent=2, sort_keys=true) }}
compact={{ {'b': [1, 2.5, none, true], 'a': 'é'}|tojson(separators=(',', ':')) }} ascii={{ 'é€😀'|tojson(ensure_ascii=true) }}
{%- if tools is defined and tools %} tools!{% endif %}
{%- if undefined_thing is not defined %} undefined-ok{% endif %}
{% macro turn(role, text) -%}
<{{ role }}>{{ text|trim }}</{{ role }}>
{%- endmacro %}
{% for m in messages[-2:] %}{{ turn(m.role, m.content) }}{% endfor %}
{% set greeting %}Hi {{ messages|length }} times{% endset %}{{ greeting|upper }}
{{ 'x' if add_generation_prompt else 'y' }} {{ bos_token ~ eos_token }} {{ (messages|length) * 2 }} {{ 7 // 2 }} {{ 2 ** 5 }} {{ messages|length > 1 and messages[0].role == 'system' }}
{%- for i in range(3) %}{% if i == 1 %}{% continue %}{% endif %} i{{ i }}{% endfor %}
{%- for i in range(10) %}{% if i == 2 %}{% break %}{% endif %} j{{ i }}{% endfor %}
'''

# Not a model's template: jinja2 built-in filters and tests as chat templates use them.
FILTERS_AND_TESTS = r'''{%- set roles = messages|map(attribute='role')|list -%}
reversed={% for m in messages[::-1] %}{{ m.role }}{% if not loop.last %},{% endif %}{% endfor %} every-other={{ roles[::2]|join('/') }} back={{ 'abcdef'[::-2] }} mid={{ roles[1:-1] }}
{%- set n = messages|length %} n+1={{ n+1 }} n-1={{ n-1 }} n*2={{ n*2 }} n%2={{ n%2 }} {{ n/2 }} {{ -n }}
first={{ messages|first|tojson }} last-role={{ (messages|last).role }} rev={{ roles|reverse|list }} sorted={{ roles|sort }} uniq={{ roles|unique|list }}
users={{ messages|selectattr('role', 'equalto', 'user')|list|length }} others={{ messages|rejectattr('role', 'equalto', 'user')|map(attribute='role')|join }}
def=[{{ missing|default('dflt') }}][{{ messages[0].name|default('anon') }}][{{ ''|default('empty', true) }}] d=[{{ missing|d('x') }}]
nums={{ [3, 1, 2]|sum }} {{ [3, 1, 2]|sort|list }} {{ '42'|int + 1 }} {{ '2.5'|float * 2 }} {{ 2.567|round(2) }} {{ -3|abs }} {{ 10 // 3 }} {{ 2 ** 10 }}
tests={{ messages[0] is mapping }} {{ roles is sequence }} {{ 'x' is string }} {{ 1 is number }} {{ none is none }} {{ missing is undefined }} {{ messages[0].content is not none }} {{ 'ell' in 'hello' }} {{ 'zz' not in 'hello' }} {{ 3 is odd }} {{ 4 is even }} {{ 9 is divisibleby 3 }} {{ roles[0] is lower }}
not={{ not missing is defined }} {{ not roles|length == 0 }} {{ not (roles|length > 100) and not false }} {{ not 'user' in roles }}
{%- for m in messages %}
{{ loop.index }}/{{ loop.revindex }}/{{ loop.revindex0 }} {{ loop.cycle('odd', 'even') }} {{ m.content|wordcount }} [{{ m.content|truncate(12) }}] [{{ m.content|replace('e', 'E', 1) }}]
{%- endfor %}
dict={{ {'role': 'x', 'n': 1, 'ok': true, 'none': none, 'f': 1.5} }} list={{ [1, 'a', true, none] }} bool={{ true }} {{ false|string }}
items={% for k, v in {'a': 1, 'b': 2}|dictsort %}{{ k }}{{ v }}{% endfor %} {% for k, v in {'b': 1, 'a': 2}.items() %}{{ k }}{{ v }}{% endfor %}
{%- if add_generation_prompt is defined and add_generation_prompt %} agp{% endif %}
'''

ALL_CONVERSATIONS = ["single_user", "system_user", "multi_turn", "no_system_multi", "unicode"]
NO_SYSTEM = ["single_user", "no_system_multi", "unicode_no_system", "system_user", "broken_alternation"]
TOOLS = ["tools_call", "tools_only"]

TEMPLATES = {
    "chatml": (CHATML, "", "<|im_end|>", ALL_CONVERSATIONS),
    "smollm2": (SMOLLM2, "<|im_start|>", "<|im_end|>", ALL_CONVERSATIONS),
    "llama2-chat": (LLAMA2_CHAT, "<s>", "</s>", ALL_CONVERSATIONS + ["broken_alternation"]),
    "llama3-instruct": (LLAMA3_INSTRUCT, "<|begin_of_text|>", "<|eot_id|>", ALL_CONVERSATIONS),
    "llama3.1-instruct": (LLAMA31_INSTRUCT, "<|begin_of_text|>", "<|eot_id|>", ALL_CONVERSATIONS + TOOLS),
    "mistral-v0.1-instruct": (MISTRAL_V01, "<s>", "</s>", NO_SYSTEM),
    "mistral-v0.3-instruct": (MISTRAL_V03, "<s>", "</s>", ALL_CONVERSATIONS + TOOLS + ["broken_alternation"]),
    "qwen2-instruct": (QWEN2_INSTRUCT, "", "<|im_end|>", ALL_CONVERSATIONS),
    "qwen2.5-instruct": (QWEN25_INSTRUCT, "", "<|im_end|>", ALL_CONVERSATIONS + TOOLS),
    "zephyr": (ZEPHYR, "<s>", "</s>", ALL_CONVERSATIONS),
    "gemma": (GEMMA, "<bos>", "<eos>", NO_SYSTEM),
    "deepseek-coder": (DEEPSEEK_CODER, "<｜begin▁of▁sentence｜>", "<|EOT|>", ALL_CONVERSATIONS),
    "openchat": (OPENCHAT, "<s>", "<|end_of_turn|>", ALL_CONVERSATIONS),
    "command-r": (COMMAND_R, "<BOS_TOKEN>", "<|END_OF_TURN_TOKEN|>", ALL_CONVERSATIONS),
    "phi3-mini": (PHI3_MINI, "<s>", "<|endoftext|>", ALL_CONVERSATIONS),
    "python-isms": (PYTHON_ISMS, "<s>", "</s>", ALL_CONVERSATIONS),
    "filters-and-tests": (FILTERS_AND_TESTS, "<s>", "</s>", ALL_CONVERSATIONS),
}
