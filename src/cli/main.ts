#!/usr/bin/env node
console.log('caac');
