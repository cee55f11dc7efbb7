/**
 * Metadata of the lint engine's own rule ids (yaml/*, lint/*, config/*): one table shared by `talium rules`,
 * `talium explain`, SARIF driver.rules and the generated rule reference. Policy rules live in src/rules/.
 */
import type { Severity } from '../core/diagnostic.js';
import type { RuleDocs } from '../rules/types.js';

export interface EngineRuleMeta {
  id: string;
  description: string;
  severity: Severity;
  help: string;
  docs: RuleDocs;
}

const YAML_SPEC = 'https://yaml.org/spec/1.2.2/';
const SUPPRESS_DOC = 'https://eslint.org/docs/latest/use/configure/rules#disabling-rules';

/** Sorted by id. */
export const ENGINE_RULES: readonly EngineRuleMeta[] = [
  {
    id: 'config/invalid',
    description: 'talium.config.yaml (or a cluster.yaml `lint:` section) does not match its JSON Schema.',
    severity: 'error',
    help: 'Fix the configuration value as the message says; schemas/talium.config.schema.json documents every key.',
    docs: {
      what: 'Validates talium.config.yaml and the `lint:` section of clusters/<name>/cluster.yaml against schemas/talium.config.schema.json. A value the schema takes in several forms (`plan.dhcp`, `plan.reserved` entries, `maxFileSize`) that fits none of them is one finding at the value naming the forms (`data.keyword` `oneOf`, `data.forms`); a mapping of the one fitting form gets that form\'s own errors (a missing `stop`, an unknown key).\n\nAlso a warning (`data.keyword` `conflict`) at `schemas.unknownKind` when `rules:` gives `schema/unknown-kind` another severity: `rules:` wins, so the other setting does nothing.',
      why: 'A misspelt key or a wrong severity would otherwise be ignored silently and the lint would not do what you configured.',
      fix: 'Correct or remove the key at the reported position.',
      sources: ['https://json-schema.org/draft-07/json-schema-release-notes'],
    },
  },
  {
    id: 'config/unknown-rule',
    description: 'The configuration sets a severity for a rule id that does not exist.',
    severity: 'warning',
    help: 'Use an id listed by `talium rules`, or remove the entry.',
    docs: {
      what: 'Every key under `rules:` must be a rule id that talium knows.',
      why: 'A typo in a rule id means the severity you meant to set is never applied.',
      fix: 'Run `talium rules` and copy the exact id.',
      sources: [SUPPRESS_DOC],
    },
  },
  {
    id: 'config/unused-exclude',
    description: 'An `exclude:` pattern of the configuration leaves out nothing talium would read.',
    severity: 'warning',
    help: 'Correct the pattern (it is gitignore-style, relative to the repository root or the cluster folder), or remove it.',
    docs: {
      what: 'After a run over the whole tree, each `exclude:` pattern of talium.config.yaml or of a cluster.yaml `lint:` section (`!` re-includes aside) must match at least one YAML file, YAML template or folder that discovery met and left out; one that matches none is reported at the pattern (`data.pattern`).\n\nPatterns are gitignore-style; a leading `./` anchors the pattern at the root (or the cluster folder) like a leading `/`, and Windows separators (`.\\vendor\\`) are read as `/`.\n\nWhat lies inside a folder .gitignore or another pattern leaves out is never met, so a pattern naming only that is reported too. A run over some paths does not report it.',
      why: 'A misspelt pattern (`./secret/**` for `secrets/`) silently lints what it was meant to skip, or leaves a stale entry that hides a future folder.',
      fix: 'Correct the pattern so it names the files or folder, or delete it; suppress it with a `# talium-disable-next-line config/unused-exclude -- <reason>` above it when it is there on purpose.',
      sources: ['https://git-scm.com/docs/gitignore#_pattern_format'],
    },
  },
  {
    id: 'lint/internal-error',
    description: 'talium failed while processing a file or running a rule (a bug in talium, not in your files).',
    severity: 'error',
    help: 'Report this with the file that triggers it; run with TALIUM_DEBUG=1 for the stack trace.',
    docs: {
      what: 'A rule, the schema validator or the parser threw an unexpected exception; the run continues with the other files and rules.',
      why: 'The file was not fully checked, so a clean result would be a lie; the run exits with code 2.',
      fix: 'Run with TALIUM_DEBUG=1 and report the stack trace together with the file.',
      sources: ['https://eslint.org/docs/latest/use/command-line-interface#exit-codes'],
    },
  },
  {
    id: 'lint/invalid-suppression',
    description: 'A `talium-` comment is no working suppression: an unknown directive, a talium-disable-line alone on its line, or no rule named.',
    severity: 'error',
    help: 'Write `# talium-disable-next-line <rule>[, <rule>] -- <reason>` (or `talium-disable-line` after the YAML, `talium-disable-file` for the file).',
    docs: {
      what:
        'A comment starting with `talium-` must be one of the directives `talium-disable-next-line`, `talium-disable-line` (after YAML on the same line) or `talium-disable-file` (message id `unknownDirective`, with the nearest directive in `data.suggestion`); a `talium-disable-line` alone on its line silences nothing (`lineWithoutYaml`); every directive must name at least one rule id (`noRule`); an `until` must be followed by a calendar date written `YYYY-MM-DD` (`badDate`: the comment still applies, with no expiry).',
      why: 'A misspelt or foreign directive (ESLint habits) would look like a suppression while silencing nothing; blanket suppressions would hide every future finding on that line or file, including real outages.',
      fix: 'Use one of the three directives, name the rule(s) it is meant for, and give a reason after ` -- `.',
      sources: [SUPPRESS_DOC],
    },
  },
  {
    id: 'lint/suppression-without-reason',
    description: 'A talium-disable comment has no ` -- <reason>`.',
    severity: 'error',
    help: 'Append ` -- <why this is fine>` to the comment.',
    docs: {
      what: 'Suppressions must carry a reason after ` -- `. The suppression still applies; this finding asks for the reason.',
      why: 'A reason lets the next reader judge whether the exception still holds.',
      fix: 'Add ` -- <reason>` at the end of the comment.',
      sources: [SUPPRESS_DOC],
    },
  },
  {
    id: 'lint/symlink-skipped',
    description: 'A symbolic link points out of the linted tree or into a loop and was not followed.',
    severity: 'info',
    help: 'Lint the link target directly, or exclude the link in talium.config.yaml.',
    docs: {
      what: 'Discovery never follows a symlink whose target lies outside the linted tree or leads back into an ancestor folder, and says so for one that leads nowhere: `data.reason` is `dangling link` (the target is missing) or `link loop` (links that point at each other, or a link to itself). A link named on the command line is linted wherever it leads, with no note.',
      why: 'Following it could lint unrelated files or never terminate; talium says so instead of skipping silently.',
      fix: 'Pass the target path explicitly, or add the link to `exclude:` to silence this note.',
      sources: [SUPPRESS_DOC],
    },
  },
  {
    id: 'lint/not-a-file',
    description: 'A named pipe, socket or device named like a YAML file was not read.',
    severity: 'info',
    help: 'Lint a regular file: write its content to a .yaml file, or exclude the path in talium.config.yaml.',
    docs: {
      what: 'Discovery reads regular files only. A named pipe, socket or device called `*.yaml` (found in the tree, reached through a link, or named on the command line) gets this note at the path instead.',
      why: 'Opening a named pipe blocks until something writes to it, and a device can be endless: a pre-commit run must not hang on a leftover `mkfifo`, nor skip the path without saying so.',
      fix: 'Write the content to a regular file and lint that, or add the path to `exclude:`.',
      sources: [SUPPRESS_DOC],
    },
  },
  {
    id: 'lint/templates-only',
    description: 'The linted paths hold YAML templates (*.yaml.j2, *.yaml.tmpl, ...) but no YAML file: nothing was linted.',
    severity: 'info',
    help: 'Render the templates into a folder (makejinja or `task configure`, gomplate, `helm template --output-dir`) and run `talium lint <that folder>`.',
    docs: {
      what: 'When discovery finds no `*.yaml`/`*.yml` file but finds templates named like YAML (`*.yaml.j2`, `*.yml.j2`, `*.yaml.tmpl`, `*.yaml.tpl`, `*.yaml.gotmpl`, Terraform `*.yaml.tftpl`, also chained as `*.yaml.tpl.j2`), one note at the first template says how many were not linted. Never reported when any YAML file was found.',
      why: 'A template repository (such as onedr0p/cluster-template) would otherwise lint as "no YAML files to check", which looks like a pass.',
      fix: 'Render the templates, then lint the output folder; exclude the templates to silence the note.',
      sources: ['https://github.com/onedr0p/cluster-template', 'https://jinja.palletsprojects.com/'],
    },
  },
  {
    id: 'lint/unreadable-file',
    description: 'A file could not be read.',
    severity: 'error',
    help: 'Check the file permissions, or exclude the file in talium.config.yaml.',
    docs: {
      what: 'Reading the file failed (permissions, a dangling symlink), or a folder of the linted tree could not be listed (reported at the folder, `data.folder: true`). A folder or symlink whose name is not valid UTF-8 is reported too (`data.code: EILSEQ`, the name with its bad bytes as `\\xHH`); a YAML file with such a name is linted, shown as `bad\\xFF.yaml`.',
      why: 'An unreadable file is not checked; talium reports it rather than passing silently.',
      fix: 'Make the file readable or add it to `exclude:`.',
      sources: ['https://nodejs.org/api/fs.html#fsreadfilesyncpath-options'],
    },
  },
  {
    id: 'lint/staged-file-missing',
    description: '`talium lint --staged`: a staged file is missing from the working tree, so what the commit takes was not linted.',
    severity: 'error',
    help: 'Restore the file in the working tree (`git checkout -- <file>`) and lint again, or unstage it (`git rm --cached <file>`).',
    docs: {
      what: '`--staged` lints the staged files as the working tree holds them (with the rest of the tree for context), as the pre-commit framework does after stashing the unstaged changes. A YAML file staged and then deleted from the working tree (`git add f.yaml; rm f.yaml`), without the deletion staged, has nothing there to read: it gets this finding at 1:1 instead of a "no such file" usage error. A staged deletion (`git rm`) is no such file.',
      why: 'The commit would add the staged content, which talium never saw: a clean run would pass a file nobody checked.',
      fix: 'Bring the file back (`git checkout -- <file>` restores the staged content) and lint again, or unstage it (`git rm --cached <file>`, or `git restore --staged <file>`) if it should not be committed.',
      sources: ['https://git-scm.com/docs/git-diff#Documentation/git-diff.txt---cached'],
    },
  },
  {
    id: 'lint/expired-suppression',
    description: 'A talium-disable comment with an `until` date past today: it no longer silences anything.',
    severity: 'warning',
    help: 'Fix what it silenced and remove the comment, or move its `until` date.',
    docs: {
      what: 'A suppression may end with an expiry before its reason, `# talium-disable-next-line <rule> until 2027-03-31 -- <reason>`: it applies through that day (UTC). From the next day it silences nothing, the findings it covered are reported again at their own severity, and this finding points at the comment (`data.until`, `data.rules`). A date that is not `YYYY-MM-DD` or no calendar day is `lint/invalid-suppression` (`badDate`), and the comment then applies with no expiry.',
      why: 'Many exceptions are meant to be temporary (waiting for a Cilium release, a migration in progress); a date makes the linter, not memory, bring them back.',
      fix: 'Fix the underlying finding and delete the comment, or set a later `until` date if the exception still holds.',
      sources: [SUPPRESS_DOC],
    },
  },
  {
    id: 'lint/unused-suppression',
    description: 'A talium-disable comment suppresses nothing.',
    severity: 'warning',
    help: 'Remove the comment, or fix the rule id it names.',
    docs: {
      what: 'Reports `talium-disable-*` comments whose rules produced no finding where they apply (`unused`), and comments naming unknown rules (`unknownRule`, with the nearest rule id in `data.suggestion` when one is close).',
      why: 'Stale suppressions would silently hide a future regression at that place.',
      fix: 'Delete the comment (or correct the rule id).',
      sources: [SUPPRESS_DOC],
    },
  },
  {
    id: 'yaml/alias-bomb',
    description: 'YAML aliases expand to far more nodes than the file contains ("billion laughs").',
    severity: 'error',
    help: 'Expand the aliases by hand or reduce their nesting.',
    docs: {
      what: 'Counts the nodes a document expands to when its aliases are resolved, and stops past a limit.',
      why: 'Kubernetes and Go YAML readers expand aliases; a small file can take gigabytes and hang the API server or the GitOps controller.',
      fix: 'Write the repeated data out, or use fewer levels of aliases.',
      sources: ['https://en.wikipedia.org/wiki/Billion_laughs_attack', 'https://github.com/kubernetes/kubernetes/issues/83253'],
    },
  },
  {
    id: 'yaml/binary',
    description: 'The file contains NUL bytes: it is binary, not YAML.',
    severity: 'error',
    help: 'Rename the file so it does not end in .yaml/.yml, or exclude it.',
    docs: {
      what: 'A NUL byte never occurs in a YAML text file.',
      why: 'GitOps tools would fail on this file, or it is not meant to be read as YAML at all.',
      fix: 'Rename, remove or exclude the file.',
      sources: [YAML_SPEC + '#51-character-set'],
    },
  },
  {
    id: 'yaml/duplicate-key',
    description: 'A mapping has the same key twice.',
    severity: 'error',
    help: 'Remove or rename one of the duplicate keys; Kubernetes keeps only one of them.',
    docs: {
      what: 'Mapping keys must be unique (YAML 1.2 §3.2.1.1).',
      why: 'Go YAML readers keep one value silently (or refuse the file), so half of what you wrote never reaches the cluster.',
      fix: 'Merge the two entries into one key.',
      sources: [YAML_SPEC + '#mapping'],
    },
  },
  {
    id: 'yaml/encoding',
    description: 'The file is not valid UTF-8.',
    severity: 'error',
    help: 'Re-save the file as UTF-8.',
    docs: {
      what: 'Checks that the file decodes as UTF-8 and reports the first invalid byte. Also byte-order marks (U+FEFF) the go-yaml decoder behind kubectl, kustomize, Flux and Argo CD misreads:\n- a second one where a document starts (messageId secondBom: go-yaml skips it and then drops the next line\'s first character, `kind:` becomes `ind:`);\n- one at a line\'s start that no decoder skips (bomInContent: after a blank or comment line, or after the first line\'s `---`; Go reads it as part of the key).\n\nOne BOM right after a separator line (files concatenated) is skipped, as each piece\'s decoder skips it.',
      why: 'Kubernetes, Flux and Argo CD read YAML as UTF-8; an invalid byte breaks the apply or corrupts a value.',
      fix: 'Convert the file to UTF-8 (e.g. `iconv -f latin1 -t utf-8`).',
      sources: [YAML_SPEC + '#51-character-set'],
    },
  },
  {
    id: 'yaml/parser-disagreement',
    description: 'talium\'s fast YAML parser rejected a document that the reference parser accepts.',
    severity: 'info',
    help: 'Check the construct at this position; other YAML readers may read it differently.',
    docs: {
      what: 'talium parses with js-yaml first and falls back to eemeli/yaml; when only one of them accepts the file, it says so. An application\'s own local tag (Ansible `!vault`, Home Assistant `!secret`/`!include`, CloudFormation `!Ref`, GitLab `!reference`) in YAML that is no Kubernetes object, Talos config or other known kind is that tool\'s syntax and not reported; in a Kubernetes object or Talos config it is (Go readers drop the tag and keep the bare value).',
      why: 'Two YAML parsers disagreeing means Go readers (kubectl, Flux, Argo CD) may disagree too.',
      fix: 'Simplify the construct (quote the scalar, avoid exotic tags or directives).',
      sources: ['https://github.com/nodeca/js-yaml', 'https://github.com/eemeli/yaml'],
    },
  },
  {
    id: 'yaml/syntax',
    description: 'The file is not valid YAML.',
    severity: 'error',
    help: 'Fix the YAML syntax at this position.',
    docs: {
      what: 'Reports YAML syntax errors with their exact position, and the stream as Kubernetes tools cut it (apimachinery\'s YAMLReader behind kubectl and Argo CD, kyaml behind kustomize and Flux):\n- text after `---` on its line (messageId separatorContent, code INVALID_SEPARATOR): both refuse the file. In a file with no Kubernetes object or kustomization, which they never read, only a key there (`--- key: value`), which go-yaml and PyYAML refuse too;\n- `---#comment` where they do not cut (separatorComment): the first line, or a line right after another separator line, which opens the next piece; go-yaml reads it as content;\n- a document after `...` that no `---` opens (afterDocumentEnd): they drop it unread, so talium does not lint it.\n\nAny other `---#comment` line is the separator they take it for.',
      why: 'A file that does not parse is ignored or rejected by the GitOps controller; nothing in it is applied.',
      fix: 'Fix the indentation, quoting or bracket at the reported position.',
      sources: [YAML_SPEC],
    },
  },
  {
    id: 'yaml/tabs',
    description: 'A tab character is used for indentation.',
    severity: 'error',
    help: 'Indent with spaces; YAML forbids tabs in indentation.',
    docs: {
      what: 'YAML indentation must consist of spaces only. Also a tab in the leading blanks of a blank or comment line where go-yaml refuses it (messageId blankLineTab; data.goError says which scanner error: between tokens, left of a plain scalar\'s indentation, or left of a block scalar\'s), which js-yaml and eemeli/yaml accept. PyYAML (Ansible, yamllint) refuses those lines as well, so the finding holds beyond manifests: Ansible playbooks, Taskfiles and compose files (go-yaml), yamllint. Not reported in talium\'s own files, which talium reads.',
      why: 'Parsers reject the file, or read the structure differently from what the editor shows.',
      fix: 'Replace the tabs with spaces (configure your editor to insert spaces in YAML).',
      sources: [YAML_SPEC + '#61-indentation-spaces'],
    },
  },
  {
    id: 'yaml/templated',
    description: 'The file contains template syntax (Helm/Go, Jinja, makejinja) and is not plain YAML; it was not linted.',
    severity: 'info',
    help: 'Lint the rendered output instead (e.g. `helm template --output-dir out ...` then `talium lint out`), or exclude the template folder.',
    docs: {
      what: 'Files with `{{ }}`, `{% %}`, `#{ }#` or `#% %#` that do not parse as YAML are skipped with this note, never reported as errors.',
      why: 'Templates become YAML only after rendering; linting them raw would produce false errors.',
      fix: 'Nothing to fix; exclude the folder to silence the note.',
      sources: ['https://helm.sh/docs/chart_template_guide/', 'https://jinja.palletsprojects.com/'],
    },
  },
  {
    id: 'yaml/too-deep',
    description: 'The file nests deeper than talium accepts.',
    severity: 'error',
    help: 'Flatten the structure; no Kubernetes object nests this deep.',
    docs: {
      what: 'Estimates the nesting depth before parsing (indentation columns, `- ` indicators, flow brackets: an upper bound of the real depth; the lines of a block scalar count nothing, so deeply indented text or brackets in a `|` value are fine) and reports where it passes 256 levels; the text before that line is still read, so earlier syntax errors stay reported, and the rest of the file is not linted.\n\nA broken document the parser nests deeper than its text (eemeli/yaml recovering from errors) is cut at the parser\'s limit, one finding there. The same findings on every run, whatever the caller\'s stack (the parsers would run out of it near 900 levels).',
      why: 'Deep nesting crashes recursive YAML readers (stack overflow) and is never legitimate in GitOps manifests.',
      fix: 'Restructure the data; if it is generated, fix the generator.',
      sources: ['https://cwe.mitre.org/data/definitions/674.html'],
    },
  },
  {
    id: 'yaml/too-large',
    description: 'The file is larger than the configured size cap and was not parsed.',
    severity: 'error',
    help: 'Split the file, exclude it, or raise `maxFileSize` in talium.config.yaml.',
    docs: {
      what: 'Files above `maxFileSize` (default 32 MiB) are reported instead of parsed.',
      why: 'Bounded time and memory on every input; the Kubernetes API server itself rejects objects above ~1.5 MiB.',
      fix: 'Split the file, or raise the cap if the file is legitimate.',
      sources: ['https://etcd.io/docs/v3.5/dev-guide/limit/'],
    },
  },
  {
    id: 'yaml/truthy',
    description: 'A plain yes/no/on/off/y/n scalar: YAML 1.1 readers (Go YAML, PyYAML) read it as a boolean.',
    severity: 'warning',
    help: 'Quote the value ("yes") if you mean a string, or write true/false if you mean a boolean.',
    docs: {
      what: 'Reports plain (unquoted) values `yes`, `no`, `on`, `off`, `y`, `n` in any case:\n- in documents no schema covers (schema-covered fields are checked by schema/yaml11-boolean);\n- in boolean fields of Talos machine configuration (messageId talosBoolean: Talos decodes with go-yaml v3, which reads a plain yes/no/on/off as the boolean when the field is a bool, so this warning rather than a schema/type error; in Kubernetes objects it is schema/yaml11-boolean (messageId booleanField), since kustomize behind Flux and Argo CD keeps the string that kubectl apply -f reads as a boolean, and in Helm values files a schema/yaml11-boolean warning (messageId helmValuesBoolean: Helm reads them as YAML 1.1);\n- in cluster.yaml\'s `cilium.values`, which talium hands to Helm (`talium generate` reports these too, as warnings that do not stop it).',
      why: 'YAML 1.2 reads them as strings, YAML 1.1 (Go yaml.v2 behind kubectl, PyYAML) as booleans: the same file means different things to different tools.',
      fix: 'Quote the value or use true/false.',
      autofix: 'In a boolean field of Talos machine configuration (messageId talosBoolean), writes the boolean Talos reads: `yes`/`on`/`y` → `true`, `no`/`off`/`n` → `false`. Elsewhere it only reports: string or boolean is your call.',
      sources: ['https://yaml.org/type/bool.html', 'https://yamllint.readthedocs.io/en/stable/rules.html#module-yamllint.rules.truthy', 'https://github.com/go-yaml/yaml/tree/v3#compatibility'],
    },
  },
];

export function engineRule(id: string): EngineRuleMeta | undefined {
  return ENGINE_RULES.find((r) => r.id === id);
}
