/**
 * Reads a migration prompt for explicit permission to delete or skip tests. Deleting or
 * skipping a test is what an agent optimised for green CI does to cheat, so only an explicit
 * instruction lets it through: a verb (delete/remove/drop…, skip/disable/ignore…) and a test
 * noun in the same clause, with no negation before them ("do not delete tests" grants nothing).
 * Ambiguity fails closed: any negation in the clause withholds the permission.
 */

/** What the migration prompt explicitly allows. `false` means "not explicitly asked for". */
export interface PromptPermissions {
  deleteTests: boolean;
  skipTests: boolean;
}

const TEST_NOUN =
  /\b(?:tests?|specs?|test[- ]?(?:files?|cases?|suites?|methods?|functions?)|unit[- ]tests?|testcases?)\b/i;
const DELETE_VERB =
  /\b(?:delete[sd]?|deleting|remove[sd]?|removing|drop(?:s|ped|ping)?|eliminat\w*|purge[sd]?|get rid of)\b/i;
const SKIP_VERB =
  /\b(?:skip(?:s|ped|ping)?|disabl\w*|xfail\w*|quarantin\w*|mark\w*\s+(?:\w+\s+){0,3}as\s+(?:skipped|pending|ignored|xfail|disabled))\b/i;
const NEGATION =
  /\b(?:not|no|never|none|nor|without|avoid\w*|prohibit\w*|forbid\w*|mustn't|shouldn't|don't|doesn't|didn't|can't|cannot|won't)\b|n't\b/i;

/**
 * Finds explicit permissions in a migration prompt. Clauses are split at sentence ends,
 * semicolons, line breaks and "but"/"however"; a clause grants a permission when it holds the
 * verb and a test noun at most 50 characters apart and no negation occurs before the later of the two.
 */
export function findPromptPermissions(prompt: string): PromptPermissions {
  const clauses = prompt.split(/[.!?;\n]+|\b(?:but|however|except)\b/i);
  let deleteTests = false;
  let skipTests = false;
  for (const clause of clauses) {
    if (!deleteTests && grants(clause, DELETE_VERB)) deleteTests = true;
    if (!skipTests && grants(clause, SKIP_VERB)) skipTests = true;
  }
  return { deleteTests, skipTests };
}

const LOCATIVE =
  /\b(?:from|in|inside|within|of|across|throughout|for|to|into|under|on|by|with|using|via)\s+(?:(?:the|a|an|all|any|every|each|our|its|their|these|those|this|that|existing|unit|integration|e2e|some|other)\s+)*$/i;
const PASSIVE = /\b(?:are|is|be|been|being|get|gets|got|were|was)\s+(?:\w+\s+)?$/i;

/** Verb and noun must be close: "delete the obsolete v1 tests", or passive "tests … are removed". */
const MAX_GAP = 50;

function grants(clause: string, verb: RegExp): boolean {
  const verbMatch = verb.exec(clause);
  if (!verbMatch) return false;
  const verbStart = verbMatch.index;
  const verbEnd = verbStart + verbMatch[0].length;
  const nouns = [...clause.matchAll(new RegExp(TEST_NOUN.source, 'gi'))];
  const noun = nouns.find((n) => {
    const start = n.index;
    const end = start + n[0].length;
    if (start >= verbStart && end <= verbEnd) return true; // "mark the tests as skipped"
    // "remove sinon from tests": the tests are where, not what, the verb acts on.
    if (start >= verbEnd) return start - verbEnd <= MAX_GAP && !LOCATIVE.test(clause.slice(verbEnd, start));
    // Passive voice only: "tests under test/legacy should be removed", not "the tests of the removed flag".
    const between = clause.slice(end, verbStart);
    return end <= verbStart && between.length <= MAX_GAP && PASSIVE.test(between);
  });
  if (noun === undefined) return false;
  const end = Math.max(verbEnd, noun.index + noun[0].length);
  return !NEGATION.test(clause.slice(0, end));
}
