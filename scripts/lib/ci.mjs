// The one answer to "is this a CI run?", for the scripts and the tests alike. Under CI a check that
// cannot run fails the run; elsewhere it is skipped, loudly. Runners set CI=true (GitHub, GitLab),
// CI=1 or CI=yes; CI= or CI=false, as people write to turn it off, is not CI.
export const IN_CI = Boolean(process.env.CI) && process.env.CI !== 'false';
