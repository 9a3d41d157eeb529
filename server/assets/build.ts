// Client asset build (Chart.js bundle) comes with the pages.
console.log('assets: nothing to build yet');
